"""The form of an assignment, limited to what the person may assign."""

from django import forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from training.assignments import (
    AssignmentData,
    assignable_pages,
    assignable_people,
    assignable_teams,
    may_assign_to_roles,
)
from training.models import Assignment
from training.roles import Role


class _PageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # Modules sit one level below their course: indent them.
        return ("— " if obj.depth > 3 else "") + obj.title


class _PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class AssignmentForm(forms.Form):
    page = _PageChoiceField(label=_("Course or module"), queryset=None)
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    people = _PersonChoiceField(
        label=_("Named people"),
        queryset=None,
        required=False,
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )
    roles = forms.ModelMultipleChoiceField(
        label=_("Mandatory for roles"),
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    due_mode = forms.ChoiceField(
        label=_("Due"), choices=Assignment.DueMode.choices, widget=forms.RadioSelect
    )
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_days = forms.IntegerField(
        label=_("Number of days"), required=False, min_value=1, max_value=3650
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["page"].queryset = assignable_pages()
        self.fields["teams"].queryset = assignable_teams(actor)
        self.fields["people"].queryset = assignable_people(actor)
        if may_assign_to_roles(actor):
            self.fields["roles"].queryset = Group.objects.filter(name__in=Role.values).order_by(
                "name"
            )
        else:
            del self.fields["roles"]

    @classmethod
    def initial_from(cls, assignment: Assignment) -> dict:
        return {
            "page": assignment.page_id,
            "teams": list(assignment.teams.all()),
            "people": list(assignment.people.all()),
            "roles": list(assignment.roles.all()),
            "due_mode": assignment.due_mode,
            "due_date": assignment.due_date,
            "due_days": assignment.due_days,
        }

    def data_object(self) -> AssignmentData:
        data = self.cleaned_data
        return AssignmentData(
            page=data["page"],
            due_mode=data["due_mode"],
            due_date=data.get("due_date"),
            due_days=data.get("due_days"),
            teams=tuple(data.get("teams") or ()),
            people=tuple(data.get("people") or ()),
            roles=tuple(data.get("roles") or ()),
        )
