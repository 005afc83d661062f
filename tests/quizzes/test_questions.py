"""Grading and validation per question type, on the snapshot an attempt stores."""

import random

import pytest
from django.http import QueryDict

from quizzes.models import ResponseInvalid, normalise_answer
from tests.factories import TermFactory
from tests.quizzes.factories import (
    ClozeQuestionFactory,
    MatchingQuestionFactory,
    MultipleChoiceQuestionFactory,
    OrderingQuestionFactory,
    ShortTextQuestionFactory,
    SingleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
)

pytestmark = pytest.mark.django_db


def _snapshot(question, *, shuffle=False, terms=None):
    return question.snapshot(rng=random.Random(1), shuffle_options=shuffle, terms=terms or {})


def _data(pairs) -> QueryDict:
    q = QueryDict(mutable=True)
    for key, value in pairs:
        q.appendlist(key, value)
    return q


def _answer(question, snap, pairs):
    kind = type(question)
    response = kind.parse_response(snap["public"], _data(pairs))
    return kind.grade(snap["public"], snap["key"], response), response


def _option_id(snap, text):
    return next(o["id"] for o in snap["public"]["options"] if o["text"] == text)


def test_public_part_holds_no_key():
    for question in (
        SingleChoiceQuestionFactory(),
        MultipleChoiceQuestionFactory(),
        TrueFalseQuestionFactory(),
        OrderingQuestionFactory(),
        MatchingQuestionFactory(),
        ClozeQuestionFactory(),
        ShortTextQuestionFactory(),
    ):
        snap = _snapshot(question)
        shown = repr(snap["public"])
        assert "correct" not in shown
        assert "feedback" not in shown.lower()
        assert "Rückmeldung" not in shown
        assert "geheim" not in shown
        assert "Aufenthaltstitel" not in shown  # the cloze gap's answer


def test_single_choice_grades_the_one_correct_option():
    question = SingleChoiceQuestionFactory()
    snap = _snapshot(question)
    assert _answer(question, snap, [("option", _option_id(snap, "Reisepass"))])[0] == 1.0
    assert _answer(question, snap, [("option", _option_id(snap, "Busfahrkarte"))])[0] == 0.0


@pytest.mark.parametrize(
    "pairs",
    [[], [("option", "nonsense")], [("option", "a"), ("option", "b")]],
    ids=["nothing", "unknown id", "two values"],
)
def test_single_choice_refuses_malformed(pairs):
    question = SingleChoiceQuestionFactory()
    with pytest.raises(ResponseInvalid):
        _answer(question, _snapshot(question), pairs)


def test_single_choice_needs_exactly_one_correct_option():
    from django.core.exceptions import ValidationError

    question = SingleChoiceQuestionFactory.build(
        options=[
            ("option", {"text": "a", "correct": True, "feedback": ""}),
            ("option", {"text": "b", "correct": True, "feedback": ""}),
        ]
    )
    with pytest.raises(ValidationError):
        question.clean()


def test_multiple_choice_partial_credit_rule():
    question = MultipleChoiceQuestionFactory()
    snap = _snapshot(question)
    miete, geber = _option_id(snap, "Mietvertrag"), _option_id(snap, "Wohnungsgeberbestätigung")
    zeugnis = _option_id(snap, "Zeugnis der Grundschule")
    rezept = _option_id(snap, "Lieblingsrezept")
    assert _answer(question, snap, [("option", miete), ("option", geber)])[0] == 1.0
    assert _answer(question, snap, [("option", miete)])[0] == 0.5
    assert _answer(question, snap, [("option", miete), ("option", zeugnis)])[0] == 0.0
    everything = [("option", i) for i in (miete, geber, zeugnis, rezept)]
    assert _answer(question, snap, everything)[0] == 0.0
    assert _answer(question, snap, [("option", zeugnis)])[0] == 0.0


def test_multiple_choice_refuses_unknown_repeated_and_empty():
    question = MultipleChoiceQuestionFactory()
    snap = _snapshot(question)
    miete = _option_id(snap, "Mietvertrag")
    for pairs in ([], [("option", miete), ("option", "x")], [("option", miete)] * 2):
        with pytest.raises(ResponseInvalid):
            _answer(question, snap, pairs)


def test_true_false():
    question = TrueFalseQuestionFactory(statement_is_true=False)
    snap = _snapshot(question)
    assert _answer(question, snap, [("option", "false")])[0] == 1.0
    assert _answer(question, snap, [("option", "true")])[0] == 0.0
    with pytest.raises(ResponseInvalid):
        _answer(question, snap, [("option", "maybe")])


def test_ordering_is_never_shown_in_the_right_order_and_scores_places():
    question = OrderingQuestionFactory()
    snap = _snapshot(question)
    right = snap["key"]["order"]
    assert [i["id"] for i in snap["public"]["items"]] != right
    full = [(f"position_{item_id}", str(n)) for n, item_id in enumerate(right, start=1)]
    assert _answer(question, snap, full)[0] == 1.0
    swapped = [(f"position_{right[0]}", "2"), (f"position_{right[1]}", "1"), *full[2:]]
    assert _answer(question, snap, swapped)[0] == 0.5


def test_ordering_refuses_missing_repeated_and_non_numbers():
    question = OrderingQuestionFactory()
    snap = _snapshot(question)
    ids = snap["key"]["order"]
    missing = [(f"position_{i}", str(n)) for n, i in enumerate(ids[:-1], start=1)]
    repeated = [(f"position_{i}", "1") for i in ids]
    words = [(f"position_{i}", "erst") for i in ids]
    too_big = [(f"position_{i}", str(n + 10)) for n, i in enumerate(ids)]
    for pairs in (missing, repeated, words, too_big):
        with pytest.raises(ResponseInvalid):
            _answer(question, snap, pairs)


def test_matching_scores_pairs_and_hides_them_behind_random_ids():
    question = MatchingQuestionFactory()
    snap = _snapshot(question)
    pairs = snap["key"]["pairs"]
    prompts = {p["id"] for p in snap["public"]["prompts"]}
    assert not prompts & {c["id"] for c in snap["public"]["choices"]}
    full = [(f"match_{p}", c) for p, c in pairs.items()]
    assert _answer(question, snap, full)[0] == 1.0
    first, second, third = list(pairs)
    crossed = [
        (f"match_{first}", pairs[second]),
        (f"match_{second}", pairs[first]),
        (f"match_{third}", pairs[third]),
    ]
    assert _answer(question, snap, crossed)[0] == pytest.approx(1 / 3)
    with pytest.raises(ResponseInvalid):
        _answer(question, snap, full[:-1])
    with pytest.raises(ResponseInvalid):
        _answer(question, snap, [*full[:-1], (f"match_{third}", "unknown")])


def test_matching_draws_pairs_from_the_termbase():
    term = TermFactory(term="Frist", article="die")
    question = MatchingQuestionFactory(
        pairs=[
            ("term", {"term": term, "language": "en", "feedback": ""}),
            ("pair", {"left": "Gebühr", "right": "fee", "feedback": ""}),
        ]
    )
    question.refresh_from_db()
    assert question.term_ids() == [term.pk]
    term = type(term).objects.prefetch_related("translations").get(pk=term.pk)
    snap = _snapshot(question, terms={term.pk: term})
    assert "die Frist" in [p["text"] for p in snap["public"]["prompts"]]
    assert "Frist (en)" in [c["text"] for c in snap["public"]["choices"]]


def test_cloze_accepts_variants_regardless_of_case_and_spaces():
    question = ClozeQuestionFactory()
    snap = _snapshot(question)
    assert (
        _answer(question, snap, [("gap_g0", "  blue   CARD "), ("gap_g1", "aufenthaltstitel")])[0]
        == 1.0
    )
    assert _answer(question, snap, [("gap_g0", "Blaue Karte EU"), ("gap_g1", "Visum")])[0] == 0.5
    assert normalise_answer(" Blaue\tKarte  EU ") == "blaue karte eu"


def test_cloze_refuses_missing_and_overlong_gaps():
    question = ClozeQuestionFactory()
    snap = _snapshot(question)
    for pairs in ([("gap_g0", "x")], [("gap_g0", "x" * 201), ("gap_g1", "y")], []):
        with pytest.raises(ResponseInvalid):
            _answer(question, snap, pairs)


def test_short_text_is_self_assessed_and_limited():
    question = ShortTextQuestionFactory()
    snap = _snapshot(question)
    assert snap["scored"] is False
    score, response = _answer(question, snap, [("text", "Ich erkläre den Bescheid.")])
    assert score == 0.0
    review = type(question).review(snap["public"], snap["key"], response)
    assert review["model_answer"] == "Modellantwort-geheim"
    for pairs in ([("text", "   ")], [("text", "x" * 1_000_000)], []):
        with pytest.raises(ResponseInvalid):
            _answer(question, snap, pairs)


def test_shuffled_options_keep_their_ids():
    question = SingleChoiceQuestionFactory()
    seen = {
        tuple(
            o["id"]
            for o in question.snapshot(rng=random.Random(seed), shuffle_options=True, terms={})[
                "public"
            ]["options"]
        )
        for seed in range(20)
    }
    assert len(seen) > 1
    assert {frozenset(s) for s in seen} == {frozenset(b.id for b in question.options)}
