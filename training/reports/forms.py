"""The filters of the team reports, checked against what the viewer may see."""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from training.assignments import assignable_pages
from training.reports.selectors import (
    FILTER_COMPLETE,
    FILTER_DUE_SOON,
    FILTER_EXPIRING,
    FILTER_OPEN,
    FILTER_OVERDUE,
    ReportFilters,
)

STATUS_CHOICES = [
    ("", _("Any status")),
    (FILTER_OVERDUE, _("Overdue")),
    (FILTER_DUE_SOON, _("Due in the next days")),
    (FILTER_OPEN, _("Open, not yet due")),
    (FILTER_COMPLETE, _("Complete")),
    (FILTER_EXPIRING, _("Expiring (renewal due)")),
]
SORT_CHOICES = [
    ("name", _("Name A–Z")),
    ("-name", _("Name Z–A")),
    ("team", _("Team A–Z")),
    ("-team", _("Team Z–A")),
    ("open", _("Most open training first")),
    ("-open", _("Least open training first")),
]


class ReportFilterForm(forms.Form):
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    page = forms.TypedChoiceField(
        label=_("Course or module"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    days = forms.IntegerField(
        label=_("Due within (days)"), required=False, min_value=1, max_value=365
    )
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, data, *, teams, **kwargs):
        data = data.copy()
        # The query string uses short names ("from", "to").
        for short, name in (("from", "date_from"), ("to", "date_to")):
            if short in data and name not in data:
                data[name] = data[short]
        super().__init__(data, **kwargs)
        self.teams = list(teams.values_list("pk", "name"))
        self.fields["team"].choices = [("", _("All my teams")), *self.teams]
        self.pages = list(assignable_pages().values_list("pk", "title", "depth"))
        self.fields["page"].choices = [
            ("", _("All courses and modules")),
            *((pk, ("– " if depth > 3 else "") + title) for pk, title, depth in self.pages),
        ]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the range lies before its start."))
        return data


def report_filters_parse(query, *, teams) -> tuple[ReportFilters, ReportFilterForm]:
    """The filters of a request. A team outside the viewer's scope or a page that is not
    a published course or module is answered with 404 (nothing about it is shown); other
    bad input leaves the filters unset, with the form's messages."""
    form = ReportFilterForm(query, teams=teams)
    raw_team = query.get("team")
    if raw_team and (not raw_team.isdigit() or int(raw_team) not in {pk for pk, _n in form.teams}):
        raise Http404
    raw_page = query.get("page")
    if raw_page and (
        not raw_page.isdigit() or int(raw_page) not in {pk for pk, _t, _d in form.pages}
    ):
        raise Http404
    if not form.is_valid():
        return ReportFilters(), form
    data = form.cleaned_data
    filters = ReportFilters(
        team_id=data.get("team"),
        page_id=data.get("page"),
        status=data.get("status") or "",
        due_within=data.get("days") or 14,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        sort=data.get("sort") or "name",
    )
    return filters, form
