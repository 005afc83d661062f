"""Anki decks in the Wagtail admin: trainers export the vocabulary of any course, module,
lesson or topic (menu item, page header buttons and topic listing buttons)."""

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button

from courses.models import CoursePage, LessonPage, ModulePage, Topic
from exports.forms import DeckAdminSelectionForm, TrainingRecordForm
from exports.views import deck_request_handle, training_record_response

PERMISSION = "courses.view_term"
URL_NAME = "exports_anki_deck"


def _admin_deck_url(selection: str) -> str:
    return f"{reverse(URL_NAME)}?{urlencode({'selection': selection})}"


class DeckAdminView(WagtailAdminTemplateMixin, TemplateView):
    """The deck form inside the admin; a choice of selection instead of a link's."""

    template_name = "exports/admin/deck_form.html"
    page_title = _("Vocabulary as an Anki deck")
    header_icon = "download"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def _handle(self, request, data):
        selection = data.get("selection")
        form = DeckAdminSelectionForm(data if selection else {"selection": "all"})
        return deck_request_handle(
            request,
            selection_form=form,
            template=self.template_name,
            context=self.get_context_data(),
        )

    def get(self, request, *args, **kwargs):
        return self._handle(request, request.GET)

    def post(self, request, *args, **kwargs):
        return self._handle(request, request.POST)


@hooks.register("register_admin_urls")
def register_deck_admin_url():
    return [path("vokabeln-anki/", DeckAdminView.as_view(), name=URL_NAME)]


class _DeckMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_admin_menu_item")
def register_deck_menu_item():
    return _DeckMenuItem(
        _("Anki decks"), reverse(URL_NAME), name="anki-decks", icon_name="download", order=260
    )


@hooks.register("register_page_header_buttons")
def deck_page_header_button(page, user, view_name, next_url=None):
    if user.has_perm(PERMISSION) and page.specific_class in (CoursePage, ModulePage, LessonPage):
        yield Button(
            _("Vocabulary as an Anki deck"),
            _admin_deck_url(f"page:{page.pk}"),
            icon_name="download",
            priority=90,
        )


@hooks.register("register_snippet_listing_buttons")
def deck_topic_listing_button(snippet, user, next_url=None):
    if isinstance(snippet, Topic) and user.has_perm(PERMISSION):
        yield Button(
            _("Vocabulary as an Anki deck"),
            _admin_deck_url(f"topic:{snippet.slug}"),
            icon_name="download",
            priority=90,
        )


# --- Data protection: one person's training record ----------------------------------------

RECORD_PERMISSION = "training.change_user"  # administrators


class TrainingRecordExportView(WagtailAdminTemplateMixin, TemplateView):
    """Administrators export one person's complete training record as JSON or PDF."""

    template_name = "exports/admin/training_record.html"
    page_title = _("Training record (access request)")
    header_icon = "download"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(RECORD_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get(self, request, *args, **kwargs):
        form = TrainingRecordForm(request.GET or None)
        if request.GET and form.is_valid():
            return training_record_response(
                user=form.cleaned_data["person"], fmt=form.cleaned_data["format"]
            )
        return self.render_to_response(self.get_context_data(form=form))


@hooks.register("register_admin_urls")
def register_training_record_url():
    return [
        path(
            "fortbildungsnachweis/",
            TrainingRecordExportView.as_view(),
            name="exports_training_record",
        )
    ]


class _RecordMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(RECORD_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_training_record_menu_item():
    return _RecordMenuItem(
        _("Training record (access request)"),
        reverse("exports_training_record"),
        icon_name="doc-full",
        order=630,
    )


@hooks.register("register_admin_urls")
def register_report_export_urls():
    from exports import report_views

    return [
        path("berichte/export/", report_views.report_export, name="reports_export"),
        path(
            "berichte/export/<int:pk>/",
            report_views.report_export_status,
            name="reports_export_status",
        ),
        path(
            "berichte/export/<int:pk>/status.json",
            report_views.report_export_status_json,
            name="reports_export_status_json",
        ),
        path(
            "berichte/export/<int:pk>/datei/",
            report_views.report_export_download,
            name="reports_export_download",
        ),
    ]
