"""Report exports in the Wagtail admin: start (or download at once), follow, download.

Only the owner sees an export's status and file; anyone else gets 404. Every response
carries ``Cache-Control: no-store``.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from exports.models import ReportExport
from exports.report_exports import (
    CONTENT_TYPES,
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


def _own(request, pk: int) -> ReportExport:
    return get_object_or_404(ReportExport, pk=pk, owner=request.user)


def _status_data(export: ReportExport) -> dict:
    done = export.status == ReportExport.Status.DONE
    return {
        "status": export.status,
        "status_label": str(export.get_status_display()),
        "progress": export.progress,
        "finished": export.is_finished,
        "download_url": reverse("reports_export_download", args=[export.pk]) if done else None,
    }


@login_required
@require_GET
def report_export_status(request, pk: int):
    export = _own(request, pk)
    return _no_store(
        render(
            request,
            "exports/admin/report_export_status.html",
            {"export": export, "status": _status_data(export)},
        )
    )


@login_required
@require_GET
def report_export_status_json(request, pk: int):
    return _no_store(JsonResponse(_status_data(_own(request, pk))))


@login_required
@require_GET
def report_export_download(request, pk: int):
    export = _own(request, pk)
    if export.status != ReportExport.Status.DONE or not export.file:
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
