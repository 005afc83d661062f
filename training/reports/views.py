"""The report pages in the Wagtail admin ("Berichte").

Plain admin template views rather than Wagtail's ``ReportView``: the rows are computed
from the progress rules (not a queryset), and the exports run in the background
(``exports/report_exports.py``) instead of streaming from a web worker.
Every response carries ``Cache-Control: no-store``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from training.reports import access, charts, scores
from training.reports.forms import report_filters_parse
from training.reports.labels import STATUS_LABELS, cell_dates, reminders_text, status_label
from training.reports.models import ReportAudit
from training.reports.selectors import completion_matrix, overdue_list, trend_filters, trends


class BaseReportView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "table"
    report_name = ""

    def allowed(self, user) -> bool:
        return access.may_see_team_reports(user)

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed(request.user):
            raise PermissionDenied
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("reports_index"), "label": _("Reports")},
            {"url": "", "label": self.get_page_title()},
        ]

    def filters_context(self):
        teams = access.report_teams(self.request.user)
        filters, form = report_filters_parse(self.request.GET, teams=teams)
        filters = self.filters_used(filters)
        query = filters.to_query()
        return (
            teams,
            filters,
            {
                "filter_form": form,
                "filters": filters,
                "query": urlencode(query),
                "export_csv_url": self.export_url("csv", query),
                "export_xlsx_url": self.export_url("xlsx", query),
                "all_teams": access.may_see_all_teams(self.request.user),
            },
        )

    def filters_used(self, filters):
        """The filters as this report applies them (and passes them on to exports)."""
        return filters

    def export_url(self, fmt: str, query: dict) -> str:
        parameters = {"report": self.report_name, "format": fmt, **query}
        return f"{reverse('reports_export')}?{urlencode(parameters)}"


class ReportIndexView(BaseReportView):
    template_name = "training/reports/index.html"
    page_title = _("Reports")

    def allowed(self, user) -> bool:
        return access.may_see_team_reports(user) or access.may_see_content_reports(user)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            team_reports=access.may_see_team_reports(user),
            content_reports=access.may_see_content_reports(user),
            audit_log=access.may_read_audit_log(user),
            **kwargs,
        )


def matrix_rows(matrix, *, score_of=None) -> list[dict]:
    """The matrix rows with each row's cells already rendered as HTML.

    A page has up to 2,000 cells; rendering them through template tags, and formatting
    and translating each date, cost more than computing them. Each distinct text (the
    same as ``labels.cell_dates``) is made and escaped once per page.
    """
    not_assigned = format_html('<td><span aria-label="{}">–</span></td>', _("not assigned"))
    score_word = conditional_escape(_("Score"))
    status_html = {
        status: format_html('<td><span class="status-{}">{}</span> ', status, status_label(status))
        for status in STATUS_LABELS
    }
    dates_html: dict[tuple, str] = {}
    rows = []
    for row in matrix.rows:
        parts = []
        for column in matrix.columns:
            cell = row.cells.get(column.page_id)
            if cell is None:
                parts.append(not_assigned)
                continue
            completed_on = cell.completed_on
            key = (completed_on, cell.due, 0 if completed_on else cell.days_overdue)
            text = dates_html.get(key)
            if text is None:
                text = dates_html[key] = format_html(
                    '<span class="cell-dates">{}</span>', cell_dates(cell)
                )
            parts.append(status_html.get(cell.status) or status_html_for(cell.status))
            parts.append(text)
            score = score_of.get((row.user_id, column.page_id)) if score_of else None
            if score is not None:
                parts.append(
                    f' <span class="cell-score">{score_word}: {conditional_escape(score)} %</span>'
                )
            parts.append("</td>")
        rows.append({"person": row, "cells_html": mark_safe("".join(parts))})
    return rows


def status_html_for(status: str) -> str:
    return format_html('<td><span class="status-{}">{}</span> ', status, status_label(status))


def _page_number(request) -> int:
    raw = request.GET.get("p", "1")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


class MatrixView(BaseReportView):
    template_name = "training/reports/matrix.html"
    page_title = _("Completion matrix")
    report_name = "matrix"

    def get_context_data(self, **kwargs):
        teams, filters, context = self.filters_context()
        matrix = completion_matrix(teams=teams, filters=filters, page=_page_number(self.request))
        named = scores.named_scores_enabled()
        score_of = {}
        if named:
            score_of = scores.named_scores(
                user_ids=matrix.user_ids, page_ids=[c.page_id for c in matrix.columns]
            )
            scores.named_scores_audit(
                actor=self.request.user,
                action=ReportAudit.Action.VIEW,
                report=self.report_name,
                user_ids=matrix.user_ids,
                # The page shown is part of what was seen.
                filters={
                    **filters.to_query(),
                    **({"p": str(matrix.page_number)} if matrix.page_number > 1 else {}),
                },
            )
        rows = matrix_rows(matrix, score_of=score_of if named else None)
        base_query = context["query"]
        return super().get_context_data(
            matrix=matrix,
            rows=rows,
            named_scores=named,
            previous_url=f"?{base_query}&p={matrix.page_number - 1}"
            if matrix.page_number > 1
            else "",
            next_url=f"?{base_query}&p={matrix.page_number + 1}"
            if matrix.page_number < matrix.page_count
            else "",
            **context,
            **kwargs,
        )


class OverdueView(BaseReportView):
    template_name = "training/reports/overdue.html"
    page_title = _("Overdue training")
    report_name = "overdue"

    def get_context_data(self, **kwargs):
        teams, filters, context = self.filters_context()
        rows = [
            (row, reminders_text(row.reminders))
            for row in overdue_list(teams=teams, filters=filters)
        ]
        return super().get_context_data(rows=rows, **context, **kwargs)


class TrendsView(BaseReportView):
    template_name = "training/reports/trends.html"
    page_title = _("Trends")
    report_name = "trends"

    def filters_used(self, filters):
        return trend_filters(filters)

    def get_context_data(self, **kwargs):
        teams, filters, context = self.filters_context()
        points = trends(teams=teams, filters=filters)
        labels = [p.label for p in points]
        return super().get_context_data(
            points=points,
            completions_chart=charts.bar_chart(
                labels, [p.completions for p in points], chart_id="chart-completions"
            ),
            compliance_chart=charts.line_chart(
                labels, [p.compliant_percent for p in points], chart_id="chart-compliance"
            ),
            **context,
            **kwargs,
        )


AUDIT_PAGE_SIZE = 50


class AuditLogView(BaseReportView):
    template_name = "training/reports/audit_log.html"
    page_title = _("Audit log of named scores")
    header_icon = "history"

    def allowed(self, user) -> bool:
        return access.may_read_audit_log(user)

    def get_context_data(self, **kwargs):
        # The whole log, newest first, AUDIT_PAGE_SIZE entries per page (a count and a page).
        entries = ReportAudit.objects.order_by("-at", "-pk")
        page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(_page_number(self.request))
        return super().get_context_data(
            entries=page.object_list,
            page=page,
            previous_url=f"?p={page.previous_page_number()}" if page.has_previous() else "",
            next_url=f"?p={page.next_page_number()}" if page.has_next() else "",
            named_scores=scores.named_scores_enabled(),
            reason=scores.named_scores_reason(),
            **kwargs,
        )


class ContentView(BaseReportView):
    """Trainers: per course and module, aggregates only."""

    template_name = "training/reports/content.html"
    page_title = _("Courses and modules")
    header_icon = "doc-full"

    def allowed(self, user) -> bool:
        return access.may_see_content_reports(user)

    def get_context_data(self, **kwargs):
        from training.reports.content import content_report

        return super().get_context_data(
            rows=content_report(), min_group=scores.min_group_size(), **kwargs
        )
