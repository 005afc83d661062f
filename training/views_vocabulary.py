"""Vocabulary review in the browser: choose what to practise, then rate card after card.

Ordinary Django views (never the page cache): everything here is about the reader.
"""

import uuid
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from courses.languages import Language, text_direction
from courses.models import ModulePage, Topic, vocabulary_term_ids
from training.models import VocabularyCard, VocabularyReview
from training.vocabulary import (
    VocabularyError,
    vocabulary_assigned_term_ids,
    vocabulary_assigned_terms,
    vocabulary_cards,
    vocabulary_deck_ensure,
    vocabulary_due,
    vocabulary_review_record,
    vocabulary_terms,
)

NOTHING_ASSIGNED = _(
    "Your assigned training contains no vocabulary (or nothing is assigned to you). "
    "Choose a module or a topic."
)

RATING_BUTTONS = [
    (VocabularyReview.Rating.AGAIN, _("Again")),
    (VocabularyReview.Rating.HARD, _("Hard")),
    (VocabularyReview.Rating.GOOD, _("Good")),
    (VocabularyReview.Rating.EASY, _("Easy")),
]


class PractiseForm(forms.Form):
    selection = forms.ChoiceField(label=_("Vocabulary of"))
    language = forms.ChoiceField(label=_("Client language"), choices=Language.choices)
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=VocabularyCard.Direction.choices,
        initial=VocabularyCard.Direction.GERMAN_FIRST,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        modules = [
            (f"module:{pk}", title)
            for pk, title in ModulePage.objects.live().order_by("path").values_list("pk", "title")
        ]
        topics = [
            (f"topic:{slug}", name) for slug, name in Topic.objects.values_list("slug", "name")
        ]
        choices = []
        if modules:
            # Assignments teach the vocabulary of modules: without any, nothing to offer.
            choices.append(("assigned", _("My assignments (all assigned courses and modules)")))
            choices.append((_("Modules"), modules))
        if topics:
            choices.append((_("Topics"), topics))
        self.fields["selection"].choices = choices


@dataclass(frozen=True)
class Scope:
    """What the review page is narrowed to (from its query string)."""

    module: ModulePage | None = None
    topic: Topic | None = None
    language: str = ""
    direction: str = ""
    # The reader's own assignments (always request.user's, never a person named here).
    assigned: bool = False

    @property
    def label(self) -> str:
        if self.assigned:
            return str(_("My assignments"))
        return (self.module and self.module.title) or (self.topic and self.topic.name) or ""

    def query(self) -> str:
        values = {
            "module": self.module.pk if self.module else "",
            "topic": self.topic.slug if self.topic else "",
            "assigned": 1 if self.assigned else "",
            "language": self.language,
            "direction": self.direction,
        }
        return urlencode({k: v for k, v in values.items() if v})

    def filters(self, *, user) -> dict:
        term_ids = None
        if self.assigned:
            term_ids = vocabulary_assigned_term_ids(user=user)
        elif self.module is not None:
            term_ids = vocabulary_term_ids(self.module)
        elif self.topic is not None:
            term_ids = self.topic.terms.values("pk")
        return {"term_ids": term_ids, "language": self.language, "direction": self.direction}


def _scope(params) -> Scope:
    """The scope named by ``params``; a module or topic that does not exist is a 404."""
    module = topic = None
    assigned = False
    module_id = params.get("module", "")
    if module_id:
        if not module_id.isdigit():
            raise Http404
        module = ModulePage.objects.live().filter(pk=int(module_id)).first()
        if module is None:
            raise Http404
    elif params.get("topic"):
        topic = Topic.objects.filter(slug=params["topic"]).first()
        if topic is None:
            raise Http404
    elif params.get("assigned"):
        if params["assigned"] != "1":
            raise Http404
        assigned = True
    language = params.get("language", "")
    direction = params.get("direction", "")
    if (language and language not in Language.values) or (
        direction and direction not in VocabularyCard.Direction.values
    ):
        raise Http404
    return Scope(
        module=module, topic=topic, language=language, direction=direction, assigned=assigned
    )


def _review_url(scope: Scope, **extra) -> str:
    query = "&".join(q for q in (scope.query(), urlencode(extra)) if q)
    return reverse("vocabulary:review") + (f"?{query}" if query else "")


@login_required
@require_http_methods(["GET", "POST"])
def vocabulary_start(request):
    """Choose a module or topic, a language and a direction; see what is due overall."""
    if request.method == "POST":
        form = PractiseForm(request.POST)
        if form.is_valid():
            kind, _sep, value = form.cleaned_data["selection"].partition(":")
            params = {
                "language": form.cleaned_data["language"],
                "direction": form.cleaned_data["direction"],
                kind: value or "1",
            }
            scope = _scope(params)
            if scope.assigned:
                terms = list(vocabulary_assigned_terms(user=request.user))
            else:
                terms = vocabulary_terms(module=scope.module, topic=scope.topic)
            if scope.assigned and not terms:
                form.add_error("selection", NOTHING_ASSIGNED)
            else:
                vocabulary_deck_ensure(
                    user=request.user,
                    terms=terms,
                    language=scope.language,
                    direction=scope.direction,
                )
                return redirect(_review_url(scope))
    else:
        initial = {}
        if request.GET.get("assigned") == "1":
            initial["selection"] = "assigned"
        elif request.GET.get("module", "").isdigit():
            initial["selection"] = f"module:{request.GET['module']}"
        elif request.GET.get("topic"):
            initial["selection"] = f"topic:{request.GET['topic']}"
        form = PractiseForm(initial=initial)
    due_total = vocabulary_due(user=request.user).count()
    return render(
        request,
        "training/vocabulary/start.html",
        {"form": form, "due_total": due_total, "review_url": reverse("vocabulary:review")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def vocabulary_review(request):
    """One due card at a time; POST records a rating and comes back here (PRG)."""
    scope = _scope(request.GET)
    if request.method == "POST":
        try:
            card_id = int(request.POST.get("card", ""))
            rating = int(request.POST.get("rating", ""))
        except ValueError:
            return HttpResponseBadRequest("card and rating must be numbers")
        try:
            vocabulary_review_record(
                user=request.user,
                card_id=card_id,
                rating=rating,
                request_id=request.POST.get("request_id", ""),
            )
        except VocabularyError as error:
            return HttpResponseBadRequest(str(error))
        return redirect(_review_url(scope))

    now = timezone.now()
    filters = scope.filters(user=request.user)
    due = vocabulary_due(user=request.user, now=now, **filters)
    card = due.select_related("term").first()
    translation = None
    if card is not None:
        translation = card.term.translations.filter(language=card.language).first()
    context = {
        "scope": scope,
        "card": card,
        "translation": translation,
        "language_direction": text_direction(card.language) if card else "ltr",
        "language_label": Language(card.language).label if card else "",
        "german_first": card is not None
        and card.direction == VocabularyCard.Direction.GERMAN_FIRST,
        "show": request.GET.get("show") == "1",
        "due_count": due.count(),
        "due_total": vocabulary_due(user=request.user, now=now).count(),
        "next_due": None,
        "request_id": uuid.uuid4(),
        "ratings": RATING_BUTTONS,
        "action_url": _review_url(scope),
        "show_url": _review_url(scope, show=1),
    }
    if card is None:
        context["next_due"] = (
            vocabulary_cards(user=request.user, **filters)
            .order_by("due")
            .values_list("due", flat=True)
            .first()
        )
    response = render(request, "training/vocabulary/review.html", context)
    response["Cache-Control"] = "no-store"
    return response
