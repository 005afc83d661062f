# --- Counter scenarios (scenario helper) ------------------------------------------------
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem

from quizzes.models import ScenarioPage
from quizzes.scenario_admin import (
    ScenarioDiagramView,
    ScenarioIndexView,
    ScenarioStatisticsView,
    scenario_admin_allowed,
)


@hooks.register("register_admin_urls")
def scenario_admin_urls():
    patterns = [
        path("", ScenarioIndexView.as_view(), name="index"),
        path("<int:page_id>/diagramm/", ScenarioDiagramView.as_view(), name="diagram"),
        path("<int:page_id>/statistik/", ScenarioStatisticsView.as_view(), name="statistics"),
    ]
    return [path("szenarien/", include((patterns, "scenario_admin")))]


@hooks.register("register_page_header_buttons")
def scenario_header_buttons(page, user, view_name, next_url=None):
    if page.specific_class is None or not issubclass(page.specific_class, ScenarioPage):
        return
    if not page.permissions_for_user(user).can_edit():
        return
    yield PageMenuItem(
        _("Diagram"),
        reverse("scenario_admin:diagram", args=[page.pk]),
        icon_name="site",
        priority=80,
        page=page,
    )
    yield PageMenuItem(
        _("Statistics"),
        reverse("scenario_admin:statistics", args=[page.pk]),
        icon_name="table",
        priority=81,
        page=page,
    )


class ScenarioReportMenuItem(MenuItem):
    def is_shown(self, request):
        return scenario_admin_allowed(request.user)


@hooks.register("register_reports_menu_item")
def scenario_report_menu_item():
    return ScenarioReportMenuItem(
        _("Counter scenarios"),
        reverse("scenario_admin:index"),
        name="scenarios",
        icon_name="table",
        order=650,
    )


# --- End of counter scenarios -----------------------------------------------------------
