"""Wagtail admin set-up of the training record, and sign-in for served pages and documents."""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses.models import ModulePage
from training.models import Membership, RecertificationRequirement, Team
from training.recertification import may_require_recertification, recertification_require


@hooks.register("before_serve_page")
def require_sign_in(page, request, serve_args, serve_kwargs):
    """Training content is for signed-in staff only."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


@hooks.register("before_serve_document")
def require_sign_in_for_documents(document, request):
    """Downloads belong to the training content, so they need a sign-in as well."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


class TeamViewSet(SnippetViewSet):
    """Teams with their members and managers (panels on the model, memberships inline).

    Wagtail shows the menu item and the views only to people with a ``training.*_team``
    permission, which only the administrator role has.
    """

    model = Team
    icon = "group"
    menu_label = _("Teams")
    menu_name = "teams"
    menu_order = 610
    add_to_admin_menu = True
    list_display = [
        "name",
        Column("member_count", label=_("Members"), sort_key="member_count"),
        Column("manager_count", label=_("Managers"), sort_key="manager_count"),
    ]
    # Team is not in the search index; plain database filtering is enough for a few teams.
    search_fields = ["name", "slug", "description"]
    search_backend_name = None

    def get_queryset(self, request):
        # The counts come with the listing query: no query per row.
        return Team.objects.annotate(
            member_count=Count("memberships", filter=Q(memberships__role=Membership.Role.MEMBER)),
            manager_count=Count("memberships", filter=Q(memberships__role=Membership.Role.MANAGER)),
        ).order_by("name")


register_snippet(TeamViewSet)


# --- Recertification after a change of content ------------------------------------------


class _ModuleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        course = getattr(obj, "course_title", "")
        return f"{course} – {obj.title}" if course else obj.title


class RecertificationForm(forms.Form):
    modules = _ModuleChoiceField(
        label=_("Modules whose content changed"),
        queryset=ModulePage.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only people who completed these modules before now must redo them."),
    )
    reason = forms.CharField(label=_("What changed"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        course_title = Page.objects.filter(
            path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen)
        ).values("title")[:1]
        self.fields["modules"].queryset = (
            ModulePage.objects.live().annotate(course_title=Subquery(course_title)).order_by("path")
        )


class RecertificationView(WagtailAdminTemplateMixin, FormView):
    page_title = _("Require recertification")
    header_icon = "repeat"
    template_name = "training/admin/recertification.html"
    form_class = RecertificationForm

    def dispatch(self, request, *args, **kwargs):
        if not may_require_recertification(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["requirements"] = RecertificationRequirement.objects.select_related(
            "module", "created_by"
        )[:50]
        return context

    def form_valid(self, form):
        try:
            created = recertification_require(
                actor=self.request.user,
                modules=form.cleaned_data["modules"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Recertification required for %(count)s modules.") % {"count": len(created)},
        )
        return redirect("training_recertification")


@hooks.register("register_admin_urls")
def register_recertification_url():
    return [
        path(
            "rezertifizierung/",
            RecertificationView.as_view(),
            name="training_recertification",
        )
    ]


class _RecertificationMenuItem(MenuItem):
    def is_shown(self, request):
        return may_require_recertification(request.user)


@hooks.register("register_admin_menu_item")
def register_recertification_menu_item():
    return _RecertificationMenuItem(
        _("Recertification"),
        reverse("training_recertification"),
        icon_name="repeat",
        order=620,
    )


# The reports (training/reports/) register their admin URLs and menu items.
from training.reports import admin_hooks as _report_hooks  # noqa: E402, F401
