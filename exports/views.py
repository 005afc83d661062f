"""Anki deck downloads for signed-in people: the form, and the status and file of a
background export (visible to its owner only); and the spoken terms the review in the
browser plays."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from courses.languages import Language
from courses.models import Term
from exports.audio import AudioError, audio_clips_used, speech_clip_get, term_spoken_text
from exports.deck_exports import (
    IMMEDIATE_MAX_NOTES,
    deck_coverage,
    deck_export_start,
    deck_file_build,
    deck_in_background,
)
from exports.forms import DeckAssignedSelectionForm, DeckOptionsForm, DeckSelectionForm
from exports.models import DeckExport

APKG_CONTENT_TYPE = "application/apkg"


def deck_request_handle(request, *, selection_form: DeckSelectionForm, template: str, context=None):
    """The form's steps, shared by the site and the admin view: check the selection, show
    what each language covers, then download at once or start a background export."""
    context = {**(context or {}), "selection_form": selection_form}
    if not selection_form.is_valid():
        return render(request, template, context, status=404 if request.method == "GET" else 400)
    scope = selection_form.cleaned_data["scope"]
    coverage = deck_coverage(scope.terms)
    data = request.POST if request.method == "POST" else None
    options_form = DeckOptionsForm(data, coverage=coverage)
    context |= {
        "scope": scope,
        "coverage": coverage,
        "coverage_gaps": [c for c in coverage.languages.values() if c.missing],
        "options_form": options_form,
        "immediate_max_notes": IMMEDIATE_MAX_NOTES,
    }
    if data is not None and coverage.total and options_form.is_valid():
        deck_request = options_form.deck_request(**selection_form.selection())
        if deck_in_background(request=deck_request, coverage=coverage):
            export = deck_export_start(owner=request.user, request=deck_request)
            return redirect("exports:status", pk=export.pk)
        deck = deck_file_build(request=deck_request, owner=request.user)
        response = HttpResponse(deck.content, content_type=APKG_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{deck.filename}"'
        return response
    return render(request, template, context)


@login_required
def deck_form(request):
    """Choose languages, direction and audio for the vocabulary the link selected."""
    source = request.POST if request.method == "POST" else request.GET
    return deck_request_handle(
        request, selection_form=DeckSelectionForm(source), template="exports/deck_form.html"
    )


@login_required
def deck_form_assigned(request):
    """The same form for the vocabulary of the requester's own assignments (from the
    dashboard); whose assignments is always ``request.user``."""
    source = request.POST if request.method == "POST" else {}
    return deck_request_handle(
        request,
        selection_form=DeckAssignedSelectionForm(source, user=request.user),
        template="exports/deck_form.html",
    )


def _own_export(request, pk: int) -> DeckExport:
    # Someone else's export is answered like one that does not exist.
    return get_object_or_404(DeckExport, pk=pk, owner=request.user)


def _status_data(export: DeckExport) -> dict:
    done = export.status == DeckExport.Status.DONE
    return {
        "status": export.status,
        "status_label": str(export.get_status_display()),
        "progress": export.progress,
        "finished": export.is_finished,
        "download_url": reverse("exports:download", args=[export.pk]) if done else None,
    }


@login_required
@require_GET
def deck_export_status(request, pk: int):
    export = _own_export(request, pk)
    skipped = [
        (Language(code).label if code in Language.values else code, terms)
        for code, terms in (export.summary.get("skipped") or {}).items()
    ]
    parameters = export.parameters
    selection = {
        "page": parameters.get("page_id") or "",
        "topic": parameters.get("topic") or "",
        "q": parameters.get("search") or "",
    }
    again = urlencode({name: value for name, value in selection.items() if value})
    again_url = reverse("exports:deck") + (f"?{again}" if again else "")
    if parameters.get("assigned"):
        again_url = reverse("exports:assigned")
    return render(
        request,
        "exports/deck_export_status.html",
        {
            "export": export,
            "status": _status_data(export),
            "skipped": skipped,
            "again_url": again_url,
        },
    )


@login_required
@require_GET
def deck_export_status_json(request, pk: int):
    response = JsonResponse(_status_data(_own_export(request, pk)))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def deck_export_download(request, pk: int):
    export = _own_export(request, pk)
    if export.status != DeckExport.Status.DONE or not export.file:
        raise Http404
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.filename,
        content_type=APKG_CONTENT_TYPE,
    )


@login_required
@require_GET
def term_audio(request, pk: int, language: str):
    """The spoken German term (``de``) or translation of an active term as MP3, for the
    review in the browser: synthesised by espeak-ng on the first request, then served from
    the clip cache. 404 for a retired or unknown term or a missing translation; 503 where
    espeak-ng or its voice is missing (the review page hides its button then)."""
    if language != "de" and language not in Language.values:
        raise Http404("no such language")
    term = get_object_or_404(Term.objects.active().prefetch_related("translations"), pk=pk)
    text = term_spoken_text(term=term, language=language)
    if not text.strip():
        raise Http404("no translation into this language")
    try:
        path = speech_clip_get(text=text, language=language)
    except AudioError as error:
        return HttpResponse(
            _("Audio is not available: %(reason)s") % {"reason": error},
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    audio_clips_used([path])
    response = FileResponse(path.open("rb"), content_type="audio/mpeg")
    # The URL names the term, not the sound: a corrected spoken text must reach the
    # clerk soon, so the browser may keep a clip for an hour only.
    response["Cache-Control"] = "private, max-age=3600"
    return response


def training_record_response(*, user, fmt: str) -> HttpResponse:
    """One person's complete training record as a download (administrators only: the
    admin view checks)."""
    from exports.record_exports import record_json, record_pdf
    from training.gdpr import training_record_export

    data = training_record_export(user=user)
    if fmt == "pdf":
        response = HttpResponse(record_pdf(data), content_type="application/pdf")
    else:
        response = HttpResponse(record_json(data), content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="fortbildungsnachweis-{user.pk}.{"pdf" if fmt == "pdf" else "json"}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
