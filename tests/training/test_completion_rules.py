"""The completion rules and the calendar arithmetic, with explicit inputs (no database)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from training import dates
from training.completion import (
    ModuleSpec,
    Status,
    course_state,
    lesson_counts,
    module_cutoff,
    module_state,
    percent,
    training_status,
    vocabulary_needed,
)

BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC


def at(*args, tz=BERLIN):
    return dt.datetime(*args, tzinfo=tz)


# --- Lessons, modules, courses -----------------------------------------------------------


def test_a_lesson_counts_unless_completed_before_the_cutoff():
    done = at(2026, 3, 1, 10)
    assert lesson_counts(done, None)
    assert lesson_counts(done, at(2026, 3, 1, 10))
    assert not lesson_counts(done, at(2026, 3, 1, 11))
    assert not lesson_counts(None, None)


def test_vocabulary_goal_rounds_up():
    assert vocabulary_needed(10, 80) == 8
    assert vocabulary_needed(7, 80) == 6  # 5.6 terms: six must be learned
    assert vocabulary_needed(0, 80) == 0
    assert vocabulary_needed(10, None) == 0


def test_percent_rounds_down_and_nothing_to_do_is_done():
    assert percent(2, 3) == 66
    assert percent(0, 0) == 100
    assert percent(199, 200) == 99


SPEC = ModuleSpec(id=1, course_id=9, lesson_ids=(11, 12, 13))


def test_module_complete_when_every_lesson_counts():
    t = at(2026, 5, 4, 9)
    state = module_state(SPEC, lesson_completed={11: t, 12: t, 13: t + dt.timedelta(hours=1)})
    assert state.complete and state.percent == 100
    assert state.completed_at == t + dt.timedelta(hours=1)


def test_module_in_progress_counts_lessons_done_and_visits():
    t = at(2026, 5, 4, 9)
    state = module_state(SPEC, lesson_completed={11: t, 12: None}, visited={11, 12})
    assert not state.complete
    assert state.started
    assert (state.done, state.total, state.percent) == (1, 3, 33)
    assert state.completed_at is None
    untouched = module_state(SPEC, lesson_completed={})
    assert not untouched.started and untouched.percent == 0


def test_recertification_cutoff_discards_older_completions():
    old, new = at(2026, 1, 10), at(2026, 6, 10)
    changed = at(2026, 4, 1)
    state = module_state(SPEC, lesson_completed={11: old, 12: new, 13: new}, cutoff=changed)
    assert not state.complete
    assert state.lessons_done == frozenset({12, 13})


def test_quizzes_and_scenarios_must_be_passed():
    spec = ModuleSpec(id=1, course_id=None, lesson_ids=(11,), assessment_ids=frozenset({21, 22}))
    t = at(2026, 5, 4, 9)
    assert not module_state(spec, lesson_completed={11: t}, passed={21}).complete
    state = module_state(spec, lesson_completed={11: t}, passed={21, 22, 99})
    assert state.complete and (state.done, state.total) == (3, 3)


def test_vocabulary_goal_counts_as_one_unit():
    spec = ModuleSpec(
        id=1,
        course_id=None,
        lesson_ids=(11,),
        term_ids=frozenset(range(100, 110)),
        vocabulary_goal=80,
    )
    t = at(2026, 5, 4, 9)
    short = module_state(spec, lesson_completed={11: t}, learned_terms=set(range(100, 107)))
    assert not short.complete and (short.done, short.total) == (1, 2)
    assert (short.vocabulary_learned, short.vocabulary_needed) == (7, 8)
    met = module_state(spec, lesson_completed={11: t}, learned_terms={*range(100, 108), 555})
    assert met.complete


def test_goal_without_terms_asks_nothing():
    spec = ModuleSpec(id=1, course_id=None, lesson_ids=(), vocabulary_goal=80)
    assert module_state(spec, lesson_completed={}).complete


def test_course_complete_only_when_every_module_is():
    t = at(2026, 5, 4, 9)
    done = module_state(ModuleSpec(id=1, course_id=9, lesson_ids=(11,)), lesson_completed={11: t})
    open_ = module_state(ModuleSpec(id=2, course_id=9, lesson_ids=(12, 13)), lesson_completed={})
    partial = course_state([done, open_])
    assert not partial.complete and partial.percent == 33  # 1 of 3 lessons
    assert course_state([done]).complete
    assert course_state([done]).completed_at == t
    empty = course_state([])
    assert not empty.complete and empty.percent == 0


def test_status_order():
    now = at(2026, 6, 1, 12)
    due = dt.date(2026, 6, 1)
    assert training_status(complete=True, started=True, due=due, now=now) == Status.COMPLETE
    assert training_status(complete=False, started=False, due=due, now=now) == Status.NOT_STARTED
    assert training_status(complete=False, started=True, due=due, now=now) == Status.IN_PROGRESS
    later = at(2026, 6, 2, 0, 0)
    assert training_status(complete=False, started=True, due=due, now=later) == Status.OVERDUE
    assert (
        training_status(
            complete=False, started=False, due=due, now=later, still_valid_earlier_completion=True
        )
        == Status.EXPIRING
    )


def test_cutoff_is_the_later_of_content_change_and_reopening():
    now = at(2026, 6, 1)
    changed = at(2026, 3, 1)
    assert module_cutoff(recertified_at=None, course_reopens_at=None, now=now) is None
    assert module_cutoff(recertified_at=changed, course_reopens_at=None, now=now) == changed
    reopened = at(2026, 5, 1)
    assert module_cutoff(recertified_at=changed, course_reopens_at=reopened, now=now) == reopened
    # Reopening in the future does not count yet.
    future = at(2026, 7, 1)
    assert module_cutoff(recertified_at=changed, course_reopens_at=future, now=now) == changed


# --- Calendar arithmetic in Europe/Berlin ------------------------------------------------


def test_local_date_is_berlin_not_utc():
    # 23:30 UTC on 31 March is already 1 April in Berlin (summer time, UTC+2).
    assert dates.local_date(at(2026, 3, 31, 23, 30, tz=UTC)) == dt.date(2026, 4, 1)
    # 23:30 UTC on 1 December is 00:30 on 2 December (winter time, UTC+1).
    assert dates.local_date(at(2026, 12, 1, 23, 30, tz=UTC)) == dt.date(2026, 12, 2)


def test_days_after_assignment_across_the_spring_change():
    # Assigned at 00:30 Berlin on 28 March 2026 (23:30 UTC the day before); summer time
    # begins on 29 March. Seven calendar days later is 4 April, not 3 April.
    assigned = at(2026, 3, 27, 23, 30, tz=UTC)
    assert dates.due_date(mode="assigned", fixed=None, days=7, assigned_at=assigned) == dt.date(
        2026, 4, 4
    )


def test_days_after_joining_across_the_autumn_change():
    assigned = at(2026, 10, 1, 9)
    joined = at(2026, 10, 24, 23, 30)  # winter time begins on 25 October
    due = dates.due_date(mode="joined", fixed=None, days=14, assigned_at=assigned, joined_at=joined)
    assert due == dt.date(2026, 11, 7)


def test_joining_before_the_assignment_counts_from_the_assignment():
    assigned = at(2026, 10, 1, 9)
    joined = at(2025, 1, 1, 9)
    due = dates.due_date(mode="joined", fixed=None, days=30, assigned_at=assigned, joined_at=joined)
    assert due == dt.date(2026, 10, 31)


def test_fixed_due_date_and_missing_values():
    assert dates.due_date(
        mode="fixed", fixed=dt.date(2026, 2, 1), days=None, assigned_at=at(2026, 1, 1)
    ) == dt.date(2026, 2, 1)
    with pytest.raises(ValueError):
        dates.due_date(mode="fixed", fixed=None, days=None, assigned_at=at(2026, 1, 1))
    with pytest.raises(ValueError):
        dates.due_date(mode="assigned", fixed=None, days=None, assigned_at=at(2026, 1, 1))


def test_due_day_lasts_until_midnight_berlin():
    due = dt.date(2026, 3, 29)  # the day summer time begins has 23 hours
    assert not dates.is_past_due(due, at(2026, 3, 29, 23, 59))
    assert dates.is_past_due(due, at(2026, 3, 30, 0, 0))
    # 22:30 UTC on 29 March is 00:30 on 30 March in Berlin.
    assert dates.is_past_due(due, at(2026, 3, 29, 22, 30, tz=UTC))
    assert not dates.is_past_due(None, at(2030, 1, 1))


def test_validity_over_leap_days():
    assert dates.add_months(dt.date(2024, 2, 29), 24) == dt.date(2026, 2, 28)
    assert dates.add_months(dt.date(2024, 2, 29), 48) == dt.date(2028, 2, 29)
    assert dates.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert dates.add_months(dt.date(2027, 12, 15), 2) == dt.date(2028, 2, 15)
    assert dates.add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)
    # Completed at 00:15 Berlin on 29 February 2024 (23:15 UTC on the 28th).
    assert dates.valid_until(at(2024, 2, 28, 23, 15, tz=UTC), 24) == dt.date(2026, 2, 28)
    assert dates.valid_until(at(2024, 2, 28, 23, 15, tz=UTC), None) is None


def test_reopening_before_expiry_at_berlin_midnight():
    reopens = dates.reopens_at(dt.date(2026, 11, 30), 60)
    assert reopens == at(2026, 10, 1, 0, 0)
    assert reopens.utcoffset() == dt.timedelta(hours=2)  # still summer time on 1 October
    assert dates.reopens_at(None, 60) is None
