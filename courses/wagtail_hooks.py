"""Wagtail admin of the termbase: terms and topics, and the spreadsheet import and export."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, View
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from courses.glossary import term_search
from courses.models import Term, Topic
from courses.termbase import FORMATS, file_too_large_message, termbase_export, termbase_import

EXPORT_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class TermAdminForm(WagtailAdminModelForm):
    """The term editor: a topic is required, as in the exchange format, so that every term
    can be exported and imported again."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "topic" in self.fields:
            self.fields["topic"].required = True

    def clean_term(self):
        term = self.cleaned_data["term"]
        # The database constraint compares with lower(), which on SQLite ignores umlauts
        # and Cyrillic, and would answer with a technical message; say it plainly here.
        folded = term.casefold()
        for key, other in Term.objects.exclude(pk=self.instance.pk).values_list("key", "term"):
            if other.casefold() == folded:
                raise ValidationError(
                    _("The term “%(term)s” already exists with the key “%(key)s”."),
                    params={"term": other, "key": key},
                )
        return term


class _TermTitleColumn(TitleColumn):
    """The title column shows the term with its article, sorted by the term alone."""

    def get_value(self, instance):
        return instance.with_article


class _RetiredColumn(Column):
    """Marks retired terms only: a cross on every active row would read as an error."""

    def get_value(self, instance):
        return _("retired") if instance.retired else ""


class TermIndexView(IndexView):
    default_ordering = "term"
    termbase_import_url_name = None
    termbase_export_url_name = None

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        return super()._get_title_column("term", column_class=_TermTitleColumn, **kwargs)

    def search_queryset(self, queryset):
        # The same search as the glossary: German, plural and every translation.
        if not self.is_searching:
            return queryset
        return term_search(queryset, text=self.search_query)

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if _may_import(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Import"),
                    url=reverse(self.termbase_import_url_name),
                    icon_name="upload",
                    priority=20,
                )
            )
        return buttons

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.request.user.has_perm("courses.view_term"):
            for priority, (fmt, label) in enumerate(
                [("csv", _("Export all as CSV")), ("xlsx", _("Export all as Excel (XLSX)"))]
            ):
                buttons.append(
                    Button(
                        label,
                        url=reverse(self.termbase_export_url_name, args=[fmt]),
                        icon_name="download",
                        priority=30 + priority,
                    )
                )
        return buttons


def _may_import(user) -> bool:
    # An import creates and changes terms, so it needs both rights.
    return user.has_perm("courses.add_term") and user.has_perm("courses.change_term")


class TermImportForm(forms.Form):
    file = forms.FileField(
        label=_("Termbase file"),
        help_text=_(
            "A CSV (UTF-8) or Excel (.xlsx) file in the termbase exchange format, "
            "for example an edited export."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Checked before reading, so that a huge upload is not loaded into memory.
        if upload.size > settings.TERMBASE_IMPORT_MAX_BYTES:
            raise ValidationError(file_too_large_message(upload.size))
        return upload


class TermImportView(WagtailAdminTemplateMixin, FormView):
    """Upload a termbase file; show the error report, or the counts after a clean import."""

    form_class = TermImportForm
    template_name = "courses/admin/termbase_import.html"
    page_title = _("Import terms")
    header_icon = "upload"
    index_url_name = None
    import_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not _may_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": Term._meta.verbose_name_plural},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_url"] = reverse(self.import_url_name)
        context["index_url"] = reverse(self.index_url_name)
        context["max_megabytes"] = settings.TERMBASE_IMPORT_MAX_BYTES // (1024 * 1024)
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        report = termbase_import(data=upload.read(), filename=upload.name)
        if not report.ok:
            return self.render_to_response(self.get_context_data(form=form, report=report))
        messages.success(
            self.request,
            gettext(
                "Import finished: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged."
            )
            % {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
        return redirect(self.index_url_name)


class TermExportView(View):
    """The whole termbase, retired terms included, as a CSV or XLSX download."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("courses.view_term"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, fmt: str):
        data = termbase_export(fmt=fmt)
        filename = f"termbank-{timezone.localdate():%Y-%m-%d}.{fmt}"
        response = HttpResponse(data, content_type=EXPORT_CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class TermViewSet(SnippetViewSet):
    """Terms with translations inline, filters, and import and export in the listing."""

    model = Term
    icon = "openquote"
    menu_label = _("Terms")
    menu_name = "terms"
    index_view_class = TermIndexView
    edit_handler = ObjectList(Term.panels, base_form_class=TermAdminForm)
    list_display = [
        "term",
        Column("topic", label=_("Topic"), sort_key="topic__name"),
        "level",
        Column("translation_count", label=_("Translations"), sort_key="translation_count"),
        _RetiredColumn("retired", label=_("Retired"), sort_key="retired"),
    ]
    list_filter = ["topic", "level", "retired"]
    # Searched with courses.glossary.term_search (see TermIndexView), not the index.
    search_fields = ["term"]
    search_backend_name = None

    def get_queryset(self, request):
        # Topic and translation count come with the listing query: no query per row.
        return Term.objects.select_related("topic").annotate(
            translation_count=Count("translations")
        )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(**kwargs) | {
            "termbase_import_url_name": self.get_url_name("import"),
            "termbase_export_url_name": self.get_url_name("export"),
        }

    @property
    def import_view(self):
        return TermImportView.as_view(
            index_url_name=self.get_url_name("list"),
            import_url_name=self.get_url_name("import"),
        )

    def get_urlpatterns(self):
        formats = "|".join(FORMATS)
        return [
            *super().get_urlpatterns(),
            path("import/", self.import_view, name="import"),
            re_path(rf"^export/(?P<fmt>{formats})/$", TermExportView.as_view(), name="export"),
        ]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Topics")
    menu_name = "topics"
    list_display = [
        "name",
        "name_en",
        "slug",
        Column("term_count", label=_("Terms"), sort_key="term_count"),
    ]
    search_fields = ["name", "name_en", "slug"]
    search_backend_name = None

    def get_queryset(self, request):
        return Topic.objects.annotate(term_count=Count("terms"))

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(**kwargs) | {"default_ordering": "name"}


class TermbaseViewSetGroup(SnippetViewSetGroup):
    items = (TermViewSet, TopicViewSet)
    menu_label = _("Termbase")
    menu_icon = "openquote"
    menu_name = "termbase"
    menu_order = 250


register_snippet(TermbaseViewSetGroup)
