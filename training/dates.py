"""Calendar arithmetic of the training record, in the authority's time zone.

Due dates and validity end dates are calendar dates in Europe/Berlin (``TIME_ZONE``):
"14 days after joining" means 14 calendar days on the office's calendar, whatever
daylight-saving change lies between, and a due date ends at midnight Berlin time.
"""

import calendar
import datetime as dt
import functools
from zoneinfo import ZoneInfo

from django.conf import settings

_ONE_DAY = dt.timedelta(days=1)


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar date in Berlin at an aware ``moment``."""
    return moment.astimezone(local_zone()).date()


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in Berlin, as an aware datetime."""
    return _day_start(day, settings.TIME_ZONE)


@functools.lru_cache(maxsize=4096)
def _day_start(day: dt.date, zone: str) -> dt.datetime:
    # Reports ask for the same few hundred due dates hundreds of thousands of times.
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(zone))


def add_days(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months; the 29 February + 12 months is the 28 February,
    31 January + 1 month the last day of February."""
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def is_past_due(due: dt.date | None, now: dt.datetime) -> bool:
    """True once the due day is over in Berlin (the whole due day still counts)."""
    return due is not None and now >= day_start(due + _ONE_DAY)


def days_until(day: dt.date, now: dt.datetime) -> int:
    """Calendar days from today (Berlin) to ``day``: 0 on the day, negative after it."""
    return (day - local_date(now)).days


def due_date(
    *,
    mode: str,
    fixed: dt.date | None,
    days: int | None,
    assigned_at: dt.datetime,
    joined_at: dt.datetime | None = None,
) -> dt.date:
    """The due date of one person's obligation.

    ``mode`` is an ``Assignment.DueMode`` value. After joining: counted from the later of
    joining and the assignment (someone who was in the team long before the assignment
    gets the same time as everybody else); without a joining date (named people,
    roles) from the assignment.
    """
    if mode == "fixed":
        if fixed is None:
            raise ValueError("a fixed due date is missing")
        return fixed
    if days is None:
        raise ValueError("the number of days is missing")
    start = assigned_at
    if mode == "joined" and joined_at is not None and joined_at > assigned_at:
        start = joined_at
    return add_days(local_date(start), days)


def valid_until(completed_at: dt.datetime, months: int | None) -> dt.date | None:
    """The last day a completion is valid, or None without a validity period."""
    if not months:
        return None
    return add_months(local_date(completed_at), months)


def reopens_at(until: dt.date | None, notice_days: int) -> dt.datetime | None:
    """When training with a validity ending on ``until`` opens again (the clerk is told
    and must redo it): ``notice_days`` before the end, at midnight Berlin time."""
    if until is None:
        return None
    return day_start(add_days(until, -notice_days))
