"""How report values read, the same on the page and in CSV/XLSX exports."""

from __future__ import annotations

from functools import lru_cache

from django.utils import formats
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from training.completion import Status
from training.reports.selectors import Cell

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
    """ "completed 15.11.2026" or "due 20.11.2026 (11 days late)"."""
    if cell.completed_on:
        return _("completed %(date)s") % {"date": short_date(cell.completed_on)}
    text = _("due %(date)s") % {"date": short_date(cell.due)}
    if cell.days_overdue:
        late = ngettext("%(count)d day late", "%(count)d days late", cell.days_overdue) % {
            "count": cell.days_overdue
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
    cell = Cell(0, 0, status, due, None, days_overdue, 0)
    text = _("completed %(date)s") % {"date": short_date(completed_on)} if completed_on else ""
    return f"{status_label(status)} · {text or cell_dates(cell)}"
