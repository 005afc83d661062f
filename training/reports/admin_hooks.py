"""The reports' place in the Wagtail admin: URLs and items of the "Reports" menu.

Imported by ``training/wagtail_hooks.py``. Managers get the admin for these reports only:
their role has no page, snippet, image, document or user permission, so Wagtail shows
them nothing else and refuses the other views.
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from training.reports import access, views


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("berichte/", views.ReportIndexView.as_view(), name="reports_index"),
        path("berichte/matrix/", views.MatrixView.as_view(), name="reports_matrix"),
        path("berichte/ueberfaellig/", views.OverdueView.as_view(), name="reports_overdue"),
        path("berichte/verlauf/", views.TrendsView.as_view(), name="reports_trends"),
        path("berichte/protokoll/", views.AuditLogView.as_view(), name="reports_audit"),
        path("berichte/inhalte/", views.ContentView.as_view(), name="reports_content"),
    ]


class _ReportMenuItem(MenuItem):
    def __init__(self, *args, shown, **kwargs):
        super().__init__(*args, **kwargs)
        self._shown = shown

    def is_shown(self, request):
        return self._shown(request.user)


def _item(label, url_name, name, icon, order, shown):
    return _ReportMenuItem(
        label, reverse(url_name), name=name, icon_name=icon, order=order, shown=shown
    )


@hooks.register("register_reports_menu_item")
def matrix_menu_item():
    return _item(
        _("Completion matrix"),
        "reports_matrix",
        "team-matrix",
        "table",
        10,
        access.may_see_team_reports,
    )


@hooks.register("register_reports_menu_item")
def overdue_menu_item():
    return _item(
        _("Overdue training"),
        "reports_overdue",
        "team-overdue",
        "warning",
        20,
        access.may_see_team_reports,
    )


@hooks.register("register_reports_menu_item")
def trends_menu_item():
    return _item(
        _("Trends"), "reports_trends", "team-trends", "view", 30, access.may_see_team_reports
    )


@hooks.register("register_reports_menu_item")
def content_menu_item():
    return _item(
        _("Courses and modules"),
        "reports_content",
        "content-figures",
        "doc-full",
        40,
        access.may_see_content_reports,
    )


@hooks.register("register_reports_menu_item")
def audit_menu_item():
    return _item(
        _("Audit log of named scores"),
        "reports_audit",
        "report-audit",
        "history",
        90,
        access.may_read_audit_log,
    )
