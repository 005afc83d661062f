"""Team reports as CSV and XLSX: exactly what the report page shows with the same
filters, all pages of it.

Small exports (a scope of at most ``IMMEDIATE_MAX_PEOPLE`` people) are built inside the
request; larger ones go to the task worker (``report_export_task``) and their owner
follows them on a status page with a progress bar, like the Anki decks
(``exports/deck_exports.py``). The owner's scope is checked again when the task runs:
someone who no longer manages a team gets nothing of it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files import File
from django.db import transaction
from django.http import Http404, QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from exports.models import ReportExport
from exports.xlsx import write_xlsx
from training.memory import collector_paused
from training.models import User
from training.reports import access, scores
from training.reports.forms import report_filters_parse
from training.reports.labels import cell_text_function, reminders_text, short_date
from training.reports.models import ReportAudit
from training.reports.selectors import (
    completion_matrix,
    overdue_list,
    scope_members,
    trends,
)

logger = logging.getLogger(__name__)

REPORTS = ("matrix", "overdue", "trends")
FORMATS = ("csv", "xlsx")
IMMEDIATE_MAX_PEOPLE = 200
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_PROGRESS_STEP = 5
# The teams a background export's file holds people of, recorded when it is built: its
# download requires the owner to see all of them still (exports/report_views.py).
COVERED_TEAMS = "covered_teams"
# Export parameters that are not the report's filters.
NOT_FILTERS = ("report", "format", "language", COVERED_TEAMS)

Progress = Callable[[int], None]


class ReportExportError(ValueError):
    """The request names no report or format we make."""


@dataclass
class ReportTable:
    """Header and rows of one export (rows as lists of strings and numbers)."""

    headers: list[str]
    rows: list[list]
    filename: str


def _parse(owner: User, parameters: dict):
    report = parameters.get("report")
    fmt = parameters.get("format")
    if report not in REPORTS or fmt not in FORMATS:
        raise ReportExportError(f"unknown report or format: {report!r}, {fmt!r}")
    if not access.may_see_team_reports(owner):
        raise Http404
    teams = access.report_teams(owner)
    query = QueryDict(mutable=True)
    for key, value in parameters.items():
        if key not in NOT_FILTERS:
            query[key] = value
    filters, form = report_filters_parse(query, teams=teams)
    if form.errors:
        raise ReportExportError("invalid filters")
    return report, fmt, teams, filters


def report_table(*, owner: User, parameters: dict, progress: Progress | None = None) -> ReportTable:
    """The rows of the report the parameters describe, within ``owner``'s scope (404 for
    a team or page outside it). Writes the audit entry when named scores are included."""
    report, fmt, teams, filters = _parse(owner, parameters)
    stamp = timezone.localdate().isoformat()
    if report == "matrix":
        matrix = completion_matrix(teams=teams, filters=filters, page=None)
        if progress:
            progress(40)
        headers = [_("Person"), _("Team"), *(c.title for c in matrix.columns)]
        named = scores.named_scores_enabled()
        score_of = {}
        if named:
            score_of = scores.named_scores(
                user_ids=matrix.user_ids, page_ids=[c.page_id for c in matrix.columns]
            )
            headers += [f"{_('Score')}: {c.title}" for c in matrix.columns]
            scores.named_scores_audit(
                actor=owner,
                action=ReportAudit.Action.EXPORT,
                report=report,
                user_ids=matrix.user_ids,
                filters=filters.to_query(),
            )
        rows = []
        text = cell_text_function()
        page_ids = [c.page_id for c in matrix.columns]
        with collector_paused():
            for row in matrix.rows:
                cells = row.cells
                line = [row.name, ", ".join(row.teams), *(text(cells.get(p)) for p in page_ids)]
                if named:
                    line += [score_of.get((row.user_id, p), "") for p in page_ids]
                rows.append(line)
    elif report == "overdue":
        items = overdue_list(teams=teams, filters=filters)
        headers = [
            _("Person"),
            _("Team"),
            _("Course or module"),
            _("Due"),
            _("Days overdue"),
            _("Reminders sent"),
        ]
        rows = [
            [
                item.person.name,
                ", ".join(item.person.teams),
                item.column.title,
                item.cell.due,  # a date cell in XLSX, the short date in CSV
                item.cell.days_overdue,
                reminders_text(item.reminders),
            ]
            for item in items
        ]
    else:
        points = trends(teams=teams, filters=filters)
        headers = [_("Week"), _("Completions"), _("Compliant"), _("People"), _("Share")]
        rows = [
            [p.label, p.completions, p.compliant, p.people, p.compliant_percent] for p in points
        ]
    return ReportTable(headers, rows, f"bericht-{report}-{stamp}.{fmt}")


def _clean(value):
    # A text starting with = + - @ (or a tab or carriage return before one) would be a
    # formula in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, dt.date):
        return short_date(value)
    return value


def table_csv(table: ReportTable) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_clean(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([_clean(v) for v in row])
    # A byte order mark so that spreadsheet programs read UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_xlsx(table: ReportTable, target, *, progress: Progress | None = None) -> None:
    """Writes the table to ``target`` (a path or binary file) row by row, so the memory
    stays small whatever the number of rows. Texts stay texts (``exports/xlsx.py``), so
    they need no guard against formulas."""
    write_xlsx(
        target,
        sheet_name=_("Report"),
        headers=table.headers,
        rows=table.rows,
        row_count=len(table.rows),
        progress=(lambda share: progress(40 + share // 2)) if progress else None,
    )


def report_file(table: ReportTable, fmt: str) -> bytes:
    if fmt == "csv":
        return table_csv(table)
    out = io.BytesIO()
    table_xlsx(table, out)
    return out.getvalue()


def report_in_background(*, owner: User, parameters: dict) -> bool:
    """Whether the export is too large for the request (one query: the people in scope)."""
    _report, _fmt, teams, filters = _parse(owner, parameters)
    _people, by_id = scope_members(teams, filters)
    return len(by_id) > IMMEDIATE_MAX_PEOPLE


def report_export_start(*, owner: User, parameters: dict) -> ReportExport:
    """Records a background export for ``owner`` and queues its task once committed."""
    from exports.tasks import report_export_task

    report, fmt, _teams, _filters = _parse(owner, parameters)
    export = ReportExport(
        owner=owner,
        parameters={**parameters, "language": translation.get_language()},
        filename=f"bericht-{report}-{timezone.localdate().isoformat()}.{fmt}",
    )
    export.full_clean()
    export.save()
    transaction.on_commit(lambda: report_export_task.enqueue(export_id=export.pk))
    return export


def _finish(export: ReportExport, *, status: str, error: str = "") -> None:
    export.status = status
    export.error = error
    export.finished_at = timezone.now()
    if status == ReportExport.Status.DONE:
        export.progress = 100
    export.save(update_fields=["status", "error", "finished_at", "progress", "file"])


def report_export_run(*, export_id: int) -> None:
    """Builds a waiting export and stores its file; the task's whole work. Runs once."""
    updated = ReportExport.objects.filter(pk=export_id, status=ReportExport.Status.PENDING).update(
        status=ReportExport.Status.RUNNING, progress=1
    )
    if not updated:
        logger.info("Report export %s is not waiting; nothing to do.", export_id)
        return
    export = ReportExport.objects.select_related("owner").get(pk=export_id)

    def progress(percent: int) -> None:
        if percent >= export.progress + _PROGRESS_STEP:
            export.progress = min(percent, 99)
            ReportExport.objects.filter(pk=export.pk).update(progress=export.progress)

    parameters = dict(export.parameters)
    language = parameters.pop("language", None)
    teams = access.report_teams(export.owner)
    team = str(parameters.get("team") or "")
    if team.isdigit():
        teams = teams.filter(pk=int(team))
    export.parameters = {
        **export.parameters,
        COVERED_TEAMS: sorted(teams.values_list("pk", flat=True)),
    }
    ReportExport.objects.filter(pk=export.pk).update(parameters=export.parameters)
    try:
        with translation.override(language):
            table = report_table(owner=export.owner, parameters=parameters, progress=progress)
            fmt = parameters["format"]
            with tempfile.TemporaryFile() as handle:
                if fmt == "csv":
                    handle.write(table_csv(table))
                else:
                    table_xlsx(table, handle, progress=progress)
                handle.seek(0)
                export.file.save(export.filename, File(handle), save=False)
    except (Http404, ReportExportError) as error:
        _finish(export, status=ReportExport.Status.FAILED, error=str(error) or "not found")
        return
    except Exception as error:
        _finish(export, status=ReportExport.Status.FAILED, error=f"internal error: {error!r}")
        raise
    _finish(export, status=ReportExport.Status.DONE)
