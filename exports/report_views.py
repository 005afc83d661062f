"""Report exports in the Wagtail admin: start (or download at once), follow, download.

Only the owner sees an export's status and file, and only while they may still see team
reports (checked at every request, not only when the export was made); anyone else gets
404. A finished export is downloadable for ``report_export_days()`` days; then its status
page says it expired and its file is a 404 (``manage.py purge_report_exports`` deletes
it). Every response, a 404 included, carries ``Cache-Control: no-store``.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.defaults import page_not_found

from exports.models import ReportExport, report_export_days
from exports.report_exports import (
    CONTENT_TYPES,
    COVERED_TEAMS,
    NOT_FILTERS,
    ReportExportError,
    report_export_start,
    report_file,
    report_in_background,
    report_table,
)
from training.reports import access


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def report_export(request):
    """The export of what a report page shows; the query string is the page's filters
    plus ``report`` and ``format``."""
    if not access.may_see_team_reports(request.user):
        raise PermissionDenied
    parameters = {key: request.GET.get(key) for key in request.GET}
    try:
        if report_in_background(owner=request.user, parameters=parameters):
            export = report_export_start(owner=request.user, parameters=parameters)
            return _no_store(redirect("reports_export_status", pk=export.pk))
        table = report_table(owner=request.user, parameters=parameters)
    except ReportExportError:
        raise Http404 from None
    fmt = parameters["format"]
    response = HttpResponse(report_file(table, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{table.filename}"'
    return _no_store(response)


def _not_found_no_store(view):
    """Answers a 404 of ``view`` with the site's 404 page, also marked ``no-store``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404 as error:
            return _no_store(page_not_found(request, error))

    return wrapper


def _teams_still_seen(user, export: ReportExport) -> bool:
    """Whether the owner still sees every team the export's file covers (recorded when
    it was built); for an export not built yet, the team it is filtered to, else any."""
    teams = access.report_teams(user)
    covered = export.parameters.get(COVERED_TEAMS)
    if covered is not None:
        return set(covered) <= set(teams.values_list("pk", flat=True))
    team = str(export.parameters.get("team") or "")
    if team:
        return team.isdigit() and teams.filter(pk=int(team)).exists()
    return teams.exists()


def _own(request, pk: int) -> ReportExport:
    # Access is checked now, not when the export was made: someone who has lost the
    # reports since (no longer a manager, or no longer of that team) gets nothing built
    # earlier.
    if not access.may_see_team_reports(request.user):
        raise Http404
    export = get_object_or_404(ReportExport, pk=pk, owner=request.user)
    if not _teams_still_seen(request.user, export):
        raise Http404
    return export


_REPORT_PAGES = {
    "matrix": "reports_matrix",
    "overdue": "reports_overdue",
    "trends": "reports_trends",
}


def _report_page_url(export: ReportExport) -> str:
    """The report page the export was made from, with its filters (to make a new one)."""
    parameters = export.parameters
    url_name = _REPORT_PAGES.get(parameters.get("report"))
    if url_name is None:
        return reverse("reports_index")
    filters = {
        key: value
        for key, value in parameters.items()
        if key not in NOT_FILTERS and value not in (None, "")
    }
    url = reverse(url_name)
    return f"{url}?{urlencode(filters)}" if filters else url


def _status_data(export: ReportExport) -> dict:
    expired = export.is_expired
    done = export.status == ReportExport.Status.DONE and not expired
    return {
        "status": export.status,
        "status_label": _("Expired") if expired else str(export.get_status_display()),
        "progress": export.progress,
        "finished": export.is_finished,
        "expired": expired,
        "download_url": reverse("reports_export_download", args=[export.pk]) if done else None,
    }


@login_required
@require_GET
@_not_found_no_store
def report_export_status(request, pk: int):
    export = _own(request, pk)
    return _no_store(
        render(
            request,
            "exports/admin/report_export_status.html",
            {
                "export": export,
                "status": _status_data(export),
                "retention_days": report_export_days(),
                "report_url": _report_page_url(export),
            },
        )
    )


@login_required
@require_GET
@_not_found_no_store
def report_export_status_json(request, pk: int):
    return _no_store(JsonResponse(_status_data(_own(request, pk))))


@login_required
@require_GET
@_not_found_no_store
def report_export_download(request, pk: int):
    export = _own(request, pk)
    if export.status != ReportExport.Status.DONE or not export.file or export.is_expired:
        raise Http404
    fmt = export.parameters.get("format", "csv")
    return _no_store(
        FileResponse(
            export.file.open("rb"),
            as_attachment=True,
            filename=export.filename,
            content_type=CONTENT_TYPES.get(fmt, "application/octet-stream"),
        )
    )
