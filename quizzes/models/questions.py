"""The question bank: one django-polymorphic model per question type, edited as snippets.

Questions are never child rows of a page or of any revisioned model (see DESIGN.md, the
django-polymorphic pitfall): quizzes point at them with ordinary foreign keys.

A question does two things for an attempt. ``snapshot()`` freezes what the clerk will see
(``public``: shown before answering) and how it is graded (``key``: correct answers,
feedback; never sent before the answer). The class methods ``parse_response``, ``grade``
and ``review`` work on that snapshot only, never on the live question, so editing or
deleting a question cannot change a past attempt.
"""

import random
import re
import secrets
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from polymorphic.models import PolymorphicModel
from polymorphic.query import PolymorphicQuerySet
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from quizzes.blocks import ChoiceOptionsBlock, MatchingPairsBlock, OrderingItemsBlock

# Longest text a clerk may submit as one answer (free text) or one gap (cloze).
MAX_TEXT_ANSWER = 5000
MAX_GAP_ANSWER = 200


class ResponseInvalid(Exception):
    """A submitted answer that cannot be graded; the message is shown to the clerk."""


class QuestionQuerySet(SearchableQuerySetMixin, PolymorphicQuerySet):
    """Polymorphic (each row comes back as its own type) and searchable in the admin."""


class TaggedQuestion(TaggedItemBase):
    content_object = models.ForeignKey(
        "quizzes.Question", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Question(index.Indexed, PolymorphicModel):
    """Common part of every question type."""

    type_key = ""
    # Free text is self-assessed: it counts for nothing in the score.
    scored = True

    title = models.CharField(
        _("internal title"),
        max_length=200,
        help_text=_("For the question bank only; clerks see the question text."),
    )
    prompt = models.TextField(_("question text"))
    explanation = models.TextField(
        _("explanation"),
        blank=True,
        help_text=_("Shown after answering, whatever the answer was."),
    )
    tags = TaggableManager(
        through=TaggedQuestion,
        blank=True,
        verbose_name=_("topics (tags)"),
        help_text=_("Quizzes can draw random questions by tag."),
    )
    terms = models.ManyToManyField(
        "courses.Term",
        blank=True,
        related_name="questions",
        verbose_name=_("termbase entries"),
    )
    is_demo = models.BooleanField(_("demo content"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    search_fields = [
        index.SearchField("title"),
        index.SearchField("prompt"),
        index.AutocompleteField("title"),
    ]

    common_panels = [FieldPanel("title"), FieldPanel("prompt")]
    footer_panels = [
        FieldPanel("explanation"),
        MultiFieldPanel(
            [FieldPanel("tags"), FieldPanel("terms"), FieldPanel("is_demo")],
            heading=_("Classification"),
        ),
    ]

    class Meta:
        ordering = ["title"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return f"{self.title} ({self.get_real_instance_class()._meta.verbose_name})"

    # --- For an attempt (instance side: reads the live question) -------------------

    def snapshot(self, *, rng: random.Random, shuffle_options: bool, terms: dict) -> dict:
        """What an attempt stores of this question. ``terms`` maps term ids to prefetched
        ``Term`` objects (with translations) for questions drawing on the termbase."""
        public, key = self.snapshot_parts(rng=rng, shuffle_options=shuffle_options, terms=terms)
        return {
            "question_id": self.pk,
            "type": self.type_key,
            "title": self.title,
            "prompt": self.prompt,
            "scored": self.scored,
            "public": public,
            "key": {**key, "explanation": self.explanation},
        }

    def snapshot_parts(self, *, rng, shuffle_options, terms) -> tuple[dict, dict]:
        raise NotImplementedError

    def term_ids(self) -> list[int]:
        """Terms this question reads when an attempt starts (loaded in bulk)."""
        return []

    # --- On the snapshot (class side: never reads the live question) ---------------

    @classmethod
    def parse_response(cls, public: dict, data) -> dict:
        """The clerk's answer from form ``data`` (a QueryDict), checked against what was
        shown; raises ``ResponseInvalid`` with a message for the clerk."""
        raise NotImplementedError

    @classmethod
    def grade(cls, public: dict, key: dict, response: dict) -> float:
        """Score between 0 and 1."""
        raise NotImplementedError

    @classmethod
    def review(cls, public: dict, key: dict, response: dict) -> dict:
        """What the clerk sees after answering: per shown element, whether it was chosen,
        whether it is correct, and its feedback."""
        raise NotImplementedError


def _ids(items) -> list[str]:
    return [item["id"] for item in items]


def _shuffled(rng: random.Random, items: list, *, must_differ: bool = False) -> list:
    items = list(items)
    if len(items) < 2:
        return items
    original = list(items)
    for _attempt in range(10):
        rng.shuffle(items)
        if not must_differ or items != original:
            break
    if must_differ and items == original:
        items = items[1:] + items[:1]
    return items


def _single_value(data, name: str) -> str:
    values = data.getlist(name)
    if len(values) != 1 or not isinstance(values[0], str):
        raise ResponseInvalid(gettext("Please choose exactly one answer."))
    return values[0]


class _ChoiceQuestion:
    """Shared by single and multiple choice: options with feedback in a stream."""

    def snapshot_parts(self, *, rng, shuffle_options, terms):
        options = [
            {"id": block.id, "text": block.value["text"]}
            for block in self.options
            if block.block_type == "option"
        ]
        if shuffle_options:
            options = _shuffled(rng, options)
        key = {
            "correct": [b.id for b in self.options if b.value["correct"]],
            "feedback": {b.id: b.value["feedback"] for b in self.options if b.value["feedback"]},
        }
        return {"options": options}, key

    @classmethod
    def review(cls, public, key, response):
        selected = set(response.get("selected", []))
        return {
            "options": [
                {
                    **option,
                    "selected": option["id"] in selected,
                    "correct": option["id"] in key["correct"],
                    "feedback": key["feedback"].get(option["id"], "")
                    if option["id"] in selected or option["id"] in key["correct"]
                    else "",
                }
                for option in public["options"]
            ]
        }


class SingleChoiceQuestion(_ChoiceQuestion, Question):
    type_key = "single"

    options = StreamField(ChoiceOptionsBlock(), verbose_name=_("answer options"))

    panels = [*Question.common_panels, FieldPanel("options"), *Question.footer_panels]

    class Meta:
        verbose_name = _("single-choice question")
        verbose_name_plural = _("single-choice questions")

    def clean(self):
        super().clean()
        if self.options and sum(1 for b in self.options if b.value["correct"]) != 1:
            raise ValidationError({"options": _("Mark exactly one option as correct.")})

    @classmethod
    def parse_response(cls, public, data):
        chosen = _single_value(data, "option")
        if chosen not in _ids(public["options"]):
            raise ResponseInvalid(gettext("This answer option does not belong to the question."))
        return {"selected": [chosen]}

    @classmethod
    def grade(cls, public, key, response):
        return 1.0 if response["selected"][0] in key["correct"] else 0.0


class MultipleChoiceQuestion(_ChoiceQuestion, Question):
    """Several options may be correct.

    Partial credit: (correct options chosen − wrong options chosen) ÷ number of correct
    options, never below 0. All correct and nothing wrong gives full marks; guessing
    everything gives nothing.
    """

    type_key = "multiple"

    options = StreamField(ChoiceOptionsBlock(), verbose_name=_("answer options"))

    panels = [
        *Question.common_panels,
        FieldPanel(
            "options",
            help_text=_(
                "Mark every correct option. Score: (correct options chosen minus wrong "
                "options chosen) divided by the number of correct options, never below 0."
            ),
        ),
        *Question.footer_panels,
    ]

    class Meta:
        verbose_name = _("multiple-choice question")
        verbose_name_plural = _("multiple-choice questions")

    def clean(self):
        super().clean()
        if self.options and not any(b.value["correct"] for b in self.options):
            raise ValidationError({"options": _("Mark at least one option as correct.")})

    @classmethod
    def parse_response(cls, public, data):
        chosen = data.getlist("option")
        known = _ids(public["options"])
        if any(not isinstance(c, str) or c not in known for c in chosen):
            raise ResponseInvalid(gettext("This answer option does not belong to the question."))
        if len(set(chosen)) != len(chosen):
            raise ResponseInvalid(gettext("Each option can be chosen only once."))
        if not chosen:
            raise ResponseInvalid(gettext("Please choose at least one answer."))
        return {"selected": [c for c in known if c in chosen]}

    @classmethod
    def grade(cls, public, key, response):
        correct = set(key["correct"])
        selected = set(response["selected"])
        hits = len(selected & correct)
        wrong = len(selected - correct)
        return max(0.0, (hits - wrong) / len(correct))


class TrueFalseQuestion(Question):
    type_key = "truefalse"

    statement_is_true = models.BooleanField(
        _("the statement is true"), default=True, help_text=_("Tick if the statement is true.")
    )
    feedback_true = models.TextField(_("feedback for the answer “true”"), blank=True)
    feedback_false = models.TextField(_("feedback for the answer “false”"), blank=True)

    panels = [
        *Question.common_panels,
        FieldPanel("statement_is_true"),
        FieldPanel("feedback_true"),
        FieldPanel("feedback_false"),
        *Question.footer_panels,
    ]

    class Meta:
        verbose_name = _("true/false question")
        verbose_name_plural = _("true/false questions")

    def snapshot_parts(self, *, rng, shuffle_options, terms):
        # The labels are translated when shown, so they follow the clerk's language.
        options = [{"id": "true", "text": ""}, {"id": "false", "text": ""}]
        key = {
            "correct": ["true" if self.statement_is_true else "false"],
            "feedback": {
                k: v for k, v in (("true", self.feedback_true), ("false", self.feedback_false)) if v
            },
        }
        return {"options": options}, key

    parse_response = SingleChoiceQuestion.parse_response
    grade = SingleChoiceQuestion.grade
    review = _ChoiceQuestion.review


class OrderingQuestion(Question):
    """Steps to put in order. Score: the share of steps in their right place."""

    type_key = "ordering"

    items = StreamField(
        OrderingItemsBlock(),
        verbose_name=_("steps in the correct order"),
        help_text=_(
            "Enter the steps in the right order; clerks see them shuffled. Score: the "
            "share of steps in their right place."
        ),
    )

    panels = [*Question.common_panels, FieldPanel("items"), *Question.footer_panels]

    class Meta:
        verbose_name = _("ordering question")
        verbose_name_plural = _("ordering questions")

    def snapshot_parts(self, *, rng, shuffle_options, terms):
        items = [{"id": b.id, "text": b.value["text"]} for b in self.items]
        # Always shuffled, and never shown in the right order: that would be the answer.
        return {"items": _shuffled(rng, items, must_differ=True)}, {"order": _ids(items)}

    @classmethod
    def parse_response(cls, public, data):
        ids = _ids(public["items"])
        positions = {}
        for item_id in ids:
            raw = data.getlist(f"position_{item_id}")
            if len(raw) != 1 or not raw[0].strip():
                raise ResponseInvalid(gettext("Please give every step a position."))
            try:
                position = int(raw[0])
            except ValueError as error:
                raise ResponseInvalid(gettext("A position must be a number.")) from error
            if not 1 <= position <= len(ids):
                raise ResponseInvalid(
                    gettext("Positions go from 1 to %(count)s.") % {"count": len(ids)}
                )
            positions[item_id] = position
        if len(set(positions.values())) != len(ids):
            raise ResponseInvalid(gettext("Every position can be used only once."))
        return {"order": sorted(ids, key=positions.__getitem__)}

    @classmethod
    def grade(cls, public, key, response):
        order = key["order"]
        return sum(1 for a, b in zip(order, response["order"], strict=True) if a == b) / len(order)

    @classmethod
    def review(cls, public, key, response):
        texts = {i["id"]: i["text"] for i in public["items"]}
        return {
            "items": [
                {
                    "text": texts[item_id],
                    "position": n,
                    "correct_position": key["order"].index(item_id) + 1,
                    "correct": key["order"][n - 1] == item_id,
                }
                for n, item_id in enumerate(response["order"], start=1)
            ]
        }


class MatchingQuestion(Question):
    """Pairs to match, e.g. a German term to its translation. Score: the share of
    pairs matched correctly."""

    type_key = "matching"

    pairs = StreamField(
        MatchingPairsBlock(),
        verbose_name=_("pairs"),
        help_text=_(
            "Write pairs or draw them from the termbase. Score: the share of pairs matched "
            "correctly."
        ),
    )

    panels = [*Question.common_panels, FieldPanel("pairs"), *Question.footer_panels]

    class Meta:
        verbose_name = _("matching question")
        verbose_name_plural = _("matching questions")

    def term_ids(self):
        ids = []
        for block in self.pairs.raw_data:
            if block["type"] == "term" and isinstance(block["value"].get("term"), int):
                ids.append(block["value"]["term"])
        return ids

    def snapshot_parts(self, *, rng, shuffle_options, terms):
        prompts, choices, pairs, feedback = [], [], {}, {}
        for block in self.pairs.raw_data:
            value = block["value"]
            if block["type"] == "term":
                term = terms.get(value.get("term"))
                if term is None:
                    continue  # a deleted term: the pair is left out
                translation = term.translations_by_language.get(value.get("language"))
                if translation is None:
                    continue
                left, right = term.with_article, translation.text
            else:
                left, right = value["left"], value["right"]
            # Choice ids are random per attempt: derived from the pair they would give it away.
            choice_id = secrets.token_hex(6)
            prompts.append({"id": block["id"], "text": left})
            choices.append({"id": choice_id, "text": right})
            pairs[block["id"]] = choice_id
            if value.get("feedback"):
                feedback[block["id"]] = value["feedback"]
        if shuffle_options:
            prompts = _shuffled(rng, prompts)
        return (
            {"prompts": prompts, "choices": _shuffled(rng, choices, must_differ=True)},
            {"pairs": pairs, "feedback": feedback},
        )

    @classmethod
    def parse_response(cls, public, data):
        known = set(_ids(public["choices"]))
        matches = {}
        for prompt in public["prompts"]:
            raw = data.getlist(f"match_{prompt['id']}")
            if len(raw) != 1 or not raw[0]:
                raise ResponseInvalid(gettext("Please match every item."))
            if raw[0] not in known:
                raise ResponseInvalid(
                    gettext("This answer option does not belong to the question.")
                )
            matches[prompt["id"]] = raw[0]
        return {"matches": matches}

    @classmethod
    def grade(cls, public, key, response):
        pairs = key["pairs"]
        return sum(1 for p, c in response["matches"].items() if pairs.get(p) == c) / len(pairs)

    @classmethod
    def review(cls, public, key, response):
        texts = {c["id"]: c["text"] for c in public["choices"]}
        return {
            "pairs": [
                {
                    "text": prompt["text"],
                    "chosen": texts[response["matches"][prompt["id"]]],
                    "right": texts[key["pairs"][prompt["id"]]],
                    "correct": response["matches"][prompt["id"]] == key["pairs"][prompt["id"]],
                    "feedback": key["feedback"].get(prompt["id"], ""),
                }
                for prompt in public["prompts"]
            ]
        }


GAP = re.compile(r"\[\[(.+?)\]\]")


def normalise_answer(text: str) -> str:
    """Case and whitespace do not count: “ Blaue  karte ” equals “Blaue Karte”."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


class ClozeQuestion(Question):
    """A text with gaps. Each gap is written ``[[answer|variant|…]]``; case and spaces do
    not count. Score: the share of gaps filled correctly."""

    type_key = "cloze"

    text = models.TextField(
        _("text with gaps"),
        help_text=_(
            "Write each gap as [[answer]] or with accepted variants as [[answer|variant]]. "
            "Upper and lower case and extra spaces do not count. Score: the share of gaps "
            "filled correctly."
        ),
    )

    panels = [*Question.common_panels, FieldPanel("text"), *Question.footer_panels]

    class Meta:
        verbose_name = _("cloze question")
        verbose_name_plural = _("cloze questions")

    def clean(self):
        super().clean()
        if self.text and not GAP.search(self.text):
            raise ValidationError({"text": _("Mark at least one gap with [[ ]].")})

    def snapshot_parts(self, *, rng, shuffle_options, terms):
        parts, gaps = [], {}
        position = 0
        for n, match in enumerate(GAP.finditer(self.text)):
            if match.start() > position:
                parts.append({"text": self.text[position : match.start()]})
            gap_id = f"g{n}"
            parts.append({"gap": gap_id})
            gaps[gap_id] = [v.strip() for v in match.group(1).split("|") if v.strip()]
            position = match.end()
        if position < len(self.text):
            parts.append({"text": self.text[position:]})
        return {"parts": parts}, {"gaps": gaps}

    @classmethod
    def parse_response(cls, public, data):
        answers = {}
        for part in public["parts"]:
            if "gap" not in part:
                continue
            raw = data.getlist(f"gap_{part['gap']}")
            if len(raw) != 1:
                raise ResponseInvalid(gettext("Please fill in every gap."))
            if len(raw[0]) > MAX_GAP_ANSWER:
                raise ResponseInvalid(
                    ngettext(
                        "A gap takes at most %(count)d character.",
                        "A gap takes at most %(count)d characters.",
                        MAX_GAP_ANSWER,
                    )
                    % {"count": MAX_GAP_ANSWER}
                )
            answers[part["gap"]] = raw[0].strip()
        if not any(answers.values()):
            raise ResponseInvalid(gettext("Please fill in at least one gap."))
        return {"gaps": answers}

    @classmethod
    def grade(cls, public, key, response):
        gaps = key["gaps"]
        right = sum(
            1
            for gap_id, variants in gaps.items()
            if normalise_answer(response["gaps"].get(gap_id, ""))
            in {normalise_answer(v) for v in variants}
        )
        return right / len(gaps)

    @classmethod
    def review(cls, public, key, response):
        parts = []
        for part in public["parts"]:
            if "gap" in part:
                given = response["gaps"].get(part["gap"], "")
                variants = key["gaps"][part["gap"]]
                parts.append(
                    {
                        "gap": True,
                        "given": given,
                        "expected": variants[0],
                        "correct": normalise_answer(given)
                        in {normalise_answer(v) for v in variants},
                    }
                )
            else:
                parts.append(part)
        return {"parts": parts}


class ShortTextQuestion(Question):
    """A short free answer the clerk compares with a model answer (self-assessed, so it
    does not count towards the score)."""

    type_key = "shorttext"
    scored = False

    model_answer = models.TextField(
        _("model answer"), help_text=_("Shown after answering; the clerk compares for themselves.")
    )

    panels = [
        *Question.common_panels,
        FieldPanel("model_answer"),
        *Question.footer_panels,
    ]

    class Meta:
        verbose_name = _("short free-text question")
        verbose_name_plural = _("short free-text questions")

    def snapshot_parts(self, *, rng, shuffle_options, terms):
        return {"max_length": MAX_TEXT_ANSWER}, {"model_answer": self.model_answer}

    @classmethod
    def parse_response(cls, public, data):
        raw = data.getlist("text")
        if len(raw) != 1 or not raw[0].strip():
            raise ResponseInvalid(gettext("Please write an answer."))
        if len(raw[0]) > MAX_TEXT_ANSWER:
            raise ResponseInvalid(
                gettext("An answer takes at most %(count)d characters.")
                % {"count": MAX_TEXT_ANSWER}
            )
        return {"text": raw[0].strip()}

    @classmethod
    def grade(cls, public, key, response):
        return 0.0

    @classmethod
    def review(cls, public, key, response):
        return {
            "text": response["text"],
            "model_answer": key["model_answer"],
            "self_assessment": response.get("self_assessment", ""),
        }


QUESTION_TYPES: dict[str, type[Question]] = {
    cls.type_key: cls
    for cls in (
        SingleChoiceQuestion,
        MultipleChoiceQuestion,
        TrueFalseQuestion,
        OrderingQuestion,
        MatchingQuestion,
        ClozeQuestion,
        ShortTextQuestion,
    )
}
