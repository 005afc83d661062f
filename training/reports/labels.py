"""How report values read, the same on the page and in CSV/XLSX exports."""

from __future__ import annotations

from functools import lru_cache

from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from training.completion import Status
from training.reports.selectors import Cell, Reminder

STATUS_LABELS = {
    Status.NOT_STARTED: gettext_lazy("Not started"),
    Status.IN_PROGRESS: gettext_lazy("In progress"),
    Status.COMPLETE: gettext_lazy("Complete"),
    Status.OVERDUE: gettext_lazy("Overdue"),
    Status.EXPIRING: gettext_lazy("Renewal due"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def short_date(day) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT") if day else ""


def cell_dates(cell: Cell) -> str:
    """ "completed 15.11.2026 (due 20.11.2026)" or "due 20.11.2026 (11 days late)"."""
    return dates_text(cell.completed_on, cell.due, cell.days_overdue)


def dates_text(completed_on, due, days_overdue: int) -> str:
    if completed_on:
        return _("completed %(date)s (due %(due)s)") % {
            "date": short_date(completed_on),
            "due": short_date(due),
        }
    text = _("due %(date)s") % {"date": short_date(due)}
    if days_overdue:
        late = ngettext("%(count)d day late", "%(count)d days late", days_overdue) % {
            "count": days_overdue
        }
        text = f"{text} ({late})"
    return text


def cell_text_function():
    """A function giving a matrix cell as one line of text (exports), in the current
    language, which is asked for once: looking it up per cell cost more than the rest."""
    language = get_language()
    not_assigned = "–"

    def text(cell: Cell | None) -> str:
        if cell is None:
            return not_assigned
        # Formatting dates and translating cost more than everything else in a large
        # export, and there are few distinct (status, dates) combinations: each is
        # formatted once.
        return _cell_text(language, cell.status, cell.completed_on, cell.due, cell.days_overdue)

    return text


@lru_cache(maxsize=20000)
def _cell_text(language, status, completed_on, due, days_overdue) -> str:
    return f"{status_label(status)} · {dates_text(completed_on, due, days_overdue)}"


def occasion_label(occasion: str) -> str:
    """A reminder's occasion as it reads: ``"after-1:2026-11-20"`` (see
    ``training.reminders.current_occasion``) is "1 day after the due date"."""
    name = occasion.split(":", 1)[0]
    kind, _sep, days = name.partition("-")
    if kind == "due" and not days:
        return _("on the due date")
    if days.isdigit():
        count = int(days)
        if kind == "before":
            return ngettext(
                "%(count)d day before the due date", "%(count)d days before the due date", count
            ) % {"count": count}
        if kind == "after":
            return ngettext(
                "%(count)d day after the due date", "%(count)d days after the due date", count
            ) % {"count": count}
    return name  # a form this code does not know: shown as stored


def reminders_text(reminders: list[Reminder]) -> str:
    """The reminders of an overdue item as one line, on the page and in exports:
    "1 day after the due date (21.11.2026), 7 days after the due date (not yet sent)";
    dates in the local time zone. Empty for none."""
    parts = []
    for reminder in reminders:
        if reminder.sent_at:
            when = short_date(timezone.localtime(reminder.sent_at).date())
        else:
            when = _("not yet sent")
        parts.append(f"{occasion_label(reminder.occasion)} ({when})")
    return ", ".join(parts)
