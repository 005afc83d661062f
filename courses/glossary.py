"""Reading the termbase for people: the clerks' glossary and the admin's term search."""

from dataclasses import dataclass

from django import forms
from django.db.models import CharField, Exists, Func, OuterRef, Prefetch, Q, QuerySet
from django.db.models.lookups import Contains
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from courses.languages import Language
from courses.models import Term, TermTranslation, Topic

SEARCH_MAX_LENGTH = 100


def _python_lower(value):
    return value.lower() if isinstance(value, str) else value


class UnicodeLower(Func):
    """LOWER() that lowers every alphabet, also on SQLite.

    SQLite's built-in lower() only knows ASCII, so "Дозвіл" or "Änderung" would not match
    a search for "дозвіл" or "änderung". On SQLite a Python function is used instead;
    PostgreSQL's LOWER() already handles Unicode.
    """

    function = "LOWER"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        # Registering again is cheap and keeps working when the connection is replaced.
        connection.connection.create_function("UNICODE_LOWER", 1, _python_lower, deterministic=True)
        return super().as_sql(compiler, connection, function="UNICODE_LOWER", **extra_context)


def _contains(field: str, text: str) -> Contains:
    return Contains(UnicodeLower(field), text.lower())


def term_search(terms: QuerySet[Term], *, text: str, language: str = "") -> QuerySet[Term]:
    """Terms whose German form, plural or a translation contains ``text``, in any case.

    With ``language``, only translations into that language are searched.
    """
    text = text.strip()
    if not text:
        return terms
    translations = TermTranslation.objects.filter(_contains("text", text), term=OuterRef("pk"))
    if language:
        translations = translations.filter(language=language)
    return terms.filter(
        Q(_contains("term", text)) | Q(_contains("plural", text)) | Q(Exists(translations))
    )


def glossary_terms(*, text: str = "", topic: str = "", language: str = "") -> QuerySet[Term]:
    """The active terms for the glossary, filtered, with what the page shows preloaded.

    With ``language``, each term carries only its translation into that language.
    """
    terms = Term.objects.active().select_related("topic")
    if topic:
        terms = terms.filter(topic__slug=topic)
    terms = term_search(terms, text=text, language=language)
    translations = TermTranslation.objects.all()
    if language:
        translations = translations.filter(language=language)
    return terms.prefetch_related(Prefetch("translations", queryset=translations)).order_by(
        UnicodeLower("term"), "pk"
    )


def topic_label(topic: Topic) -> str:
    """The topic's name in the interface language (German unless English is chosen)."""
    if get_language() == "en" and topic.name_en:
        return topic.name_en
    return topic.name


@dataclass(frozen=True)
class GlossaryTranslation:
    language: str
    label: str
    text: str
    example: str
    direction: str


@dataclass(frozen=True)
class GlossaryEntry:
    """One term as the glossary shows it; built without further queries."""

    term: Term
    translations: list[GlossaryTranslation]
    topic_label: str


def glossary_entry(term: Term) -> GlossaryEntry:
    """Uses the topic and translations loaded by ``glossary_terms``."""
    return GlossaryEntry(
        term=term,
        translations=_translations(term),
        topic_label=topic_label(term.topic) if term.topic else "",
    )


def _translations(term: Term) -> list[GlossaryTranslation]:
    present = term.translations_by_language
    return [
        GlossaryTranslation(
            language=code,
            label=label,
            text=present[code].text,
            example=present[code].example,
            direction=present[code].direction,
        )
        for code, label in Language.choices
        if code in present
    ]


class GlossaryFilterForm(forms.Form):
    """The search and filters above the glossary (a GET form; every field optional)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("German term, plural or a translation, e.g. “permit” or “дозвіл”."),
        widget=forms.TextInput(attrs={"type": "search", "aria-describedby": "id_q_help"}),
    )
    topic = forms.ChoiceField(
        label=_("Topic"),
        required=False,
        error_messages={"invalid_choice": _("This topic does not exist; all topics are shown.")},
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("All languages")), *Language.choices],
        error_messages={
            "invalid_choice": _("This language is not in the termbase; all are shown.")
        },
    )

    def __init__(self, *args, topics: list[Topic], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [
            ("", _("All topics")),
            *[(topic.slug, topic_label(topic)) for topic in topics],
        ]
