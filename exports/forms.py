"""The deck download form: what to export (a hidden selection from the link that led
here, or a choice in the admin) and how (languages, direction, audio)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from courses.glossary import SEARCH_MAX_LENGTH
from courses.languages import Language
from courses.models import CoursePage, LessonPage, ModulePage, Topic
from exports.anki import DeckSelectionError
from exports.deck_exports import DeckCoverage, DeckRequest, deck_scope_get
from training.models import User

DIRECTION_CHOICES = [
    ("de-x", _("German → language")),
    ("x-de", _("Language → German")),
    ("both", _("Both directions")),
]

SELECTION_GONE = _(
    "This selection does not exist (any more): the page may have been unpublished or the "
    "topic deleted."
)


class DeckSelectionForm(forms.Form):
    """The selection carried by the link (module, lesson, course page or glossary filter)."""

    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    topic = forms.SlugField(required=False, max_length=80, widget=forms.HiddenInput)
    q = forms.CharField(required=False, max_length=SEARCH_MAX_LENGTH, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if self.errors:
            raise ValidationError(SELECTION_GONE)
        try:
            data["scope"] = deck_scope_get(
                page_id=data.get("page"), topic=data.get("topic") or "", search=data.get("q") or ""
            )
        except DeckSelectionError as error:
            raise ValidationError(SELECTION_GONE) from error
        return data

    def selection(self) -> dict:
        data = self.cleaned_data
        return {
            "page_id": data.get("page"),
            "topic": data.get("topic") or "",
            "search": data.get("q") or "",
        }


class DeckAssignedSelectionForm(forms.Form):
    """The vocabulary of the person's own assignments: nothing to choose, and no field
    naming a person (the scope comes from ``user``, the requester)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        data["scope"] = deck_scope_get(assigned_to=self.user)
        return data

    def selection(self) -> dict:
        return {"assigned": True}


class DeckAdminSelectionForm(DeckSelectionForm):
    """In the admin, trainers pick any published course, module, lesson or any topic."""

    selection = forms.ChoiceField(label=_("Vocabulary of"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pages = []
        for model, label in (
            (CoursePage, _("Courses")),
            (ModulePage, _("Modules")),
            (LessonPage, _("Lessons")),
        ):
            choices = [
                (f"page:{pk}", title)
                for pk, title in model.objects.live().order_by("path").values_list("pk", "title")
            ]
            if choices:
                pages.append((label, choices))
        topics = [
            (f"topic:{slug}", name) for slug, name in Topic.objects.values_list("slug", "name")
        ]
        self.fields["selection"].choices = [
            ("all", _("All terms of the glossary")),
            *pages,
            *([(_("Topics"), topics)] if topics else []),
        ]

    def clean(self):
        selection = self.cleaned_data.get("selection") or ""
        kind, _sep, value = selection.partition(":")
        if kind == "page" and value.isdigit():
            self.cleaned_data["page"] = int(value)
        elif kind == "topic":
            self.cleaned_data["topic"] = value
        return super().clean()


class DeckOptionsForm(forms.Form):
    languages = forms.MultipleChoiceField(
        label=_("Client languages"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each language becomes a sub-deck of its own."),
        error_messages={
            "required": _("Choose at least one language."),
            "invalid_choice": _("“%(value)s” is not a language of the termbase."),
        },
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=DIRECTION_CHOICES,
        initial="de-x",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the directions shown.")},
    )
    audio = forms.BooleanField(
        label=_("With audio (spoken German term and translation)"),
        required=False,
        help_text=_("Decks with audio are prepared in the background; this takes a moment."),
    )

    def __init__(self, *args, coverage: DeckCoverage, **kwargs):
        super().__init__(*args, **kwargs)
        self.coverage = coverage

    def clean_languages(self):
        languages = self.cleaned_data["languages"]
        empty = [
            str(self.coverage.languages[code].label)
            for code in languages
            if not self.coverage.languages[code].available
        ]
        if empty:
            raise ValidationError(
                ngettext(
                    "None of the selected terms has a translation into %(languages)s. "
                    "Choose another language.",
                    "None of the selected terms has a translation into %(languages)s. "
                    "Choose other languages.",
                    len(empty),
                )
                % {"languages": ", ".join(empty)}
            )
        return languages

    def clean_direction(self):
        # German first unless chosen otherwise, as the form preselects.
        return self.cleaned_data["direction"] or "de-x"

    def deck_request(self, **selection) -> DeckRequest:
        data = self.cleaned_data
        return DeckRequest(
            languages=tuple(data["languages"]),
            direction=data["direction"],
            audio=data["audio"],
            **selection,
        )


class TrainingRecordForm(forms.Form):
    """Whose training record, in which format (data-protection access request)."""

    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=User.objects.order_by("last_name", "first_name", "username"),
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=[("json", "JSON"), ("pdf", "PDF")], initial="json"
    )
