"""Wagtail admin set-up of the training record, and sign-in for served pages and documents."""

from django.contrib.auth.views import redirect_to_login
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from training.models import Membership, Team


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


# The reports (training/reports/) register their admin URLs and menu items.
from training.reports import admin_hooks as _report_hooks  # noqa: E402, F401
