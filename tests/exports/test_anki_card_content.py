"""What a card shows and how it is tagged, as Anki renders it after importing the deck."""

import pytest

from courses.models import TermTranslation
from exports.anki import anki_deck_build
from tests.exports.conftest import term_touch
from tests.exports.test_anki_command import _vocabulary
from tests.factories import (
    CoursePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    TermFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit():
    term = TermFactory(
        key="aufenthaltserlaubnis",
        article="die",
        term="Aufenthaltserlaubnis",
        plural="Aufenthaltserlaubnisse",
        explanation="Ein Aufenthaltstitel auf Zeit.\nEr wird für einen Zweck erteilt.",
        example="Ihre Aufenthaltserlaubnis läuft im Mai ab.",
        legal_reference="§ 7 AufenthG",
        topic=TopicFactory(slug="aufenthalt"),
        level="advanced",
        translated=False,
    )
    TermTranslation.objects.create(
        term=term,
        language="ar",
        text="تصريح الإقامة",
        example="ينتهي تصريح إقامتك في مايو.",
    )
    return term_touch(term)


def _rendered(profile):
    col = profile.collection
    cards = {}
    for card_id in col.find_cards(""):
        card = col.get_card(card_id)
        cards[card.ord] = (card.question(), card.answer())
    return cards


def _lesson_with(module, term):
    lesson = LessonPageFactory(parent=module, body=_vocabulary([term]), live=False)
    lesson.save_revision().publish()  # as a trainer publishes: last_published_at is set
    return lesson


def test_card_shows_the_term_its_translation_and_every_detail(catalogue, permit, anki_profile):
    course = CoursePageFactory(parent=catalogue, slug="schalter")
    _lesson_with(ModulePageFactory(parent=course, slug="aufenthalt-verstehen"), permit)
    # In a second module too; a draft lesson elsewhere does not count.
    _lesson_with(ModulePageFactory(parent=course, slug="fristen"), permit)
    LessonPageFactory(
        parent=ModulePageFactory(parent=course, slug="entwurf"),
        body=_vocabulary([permit]),
        live=False,
    )

    build = anki_deck_build(terms=[permit], languages=["ar"], direction="both")
    profile = anki_profile()
    profile.import_deck(build.content)

    note = profile.note_by_key("aufenthaltserlaubnis/ar")
    assert sorted(note.tags) == [
        "language::ar",
        "level::advanced",
        "module::schalter::aufenthalt-verstehen",
        "module::schalter::fristen",
        "topic::aufenthalt",
    ]
    german_first, arabic_first = _rendered(profile)[0], _rendered(profile)[1]
    german = '<div class="wb-german" lang="de" dir="ltr">die Aufenthaltserlaubnis</div>'
    arabic = '<div class="wb-translation" lang="ar" dir="rtl">تصريح الإقامة</div>'
    assert german in german_first[0] and arabic not in german_first[0]
    assert arabic in arabic_first[0] and german not in arabic_first[0]
    for _question, answer in (german_first, arabic_first):
        assert german in answer and arabic in answer
        assert "Plural: Aufenthaltserlaubnisse" in answer
        assert "Ein Aufenthaltstitel auf Zeit.<br>Er wird für einen Zweck erteilt." in answer
        assert '<div class="wb-example">Ihre Aufenthaltserlaubnis läuft im Mai ab.</div>' in answer
        assert (
            '<div class="wb-translation-example" lang="ar" dir="rtl">'
            "ينتهي تصريح إقامتك في مايو.</div>"
        ) in answer
        assert '<div class="wb-law">§ 7 AufenthG</div>' in answer


def test_a_term_taught_in_a_new_module_gets_its_tag_on_the_next_import(
    catalogue, permit, anki_profile
):
    first = anki_deck_build(terms=[permit], languages=["ar"])
    profile = anki_profile()
    profile.import_deck(first.content)
    assert not any(
        tag.startswith("module::") for tag in profile.note_by_key(f"{permit.key}/ar").tags
    )

    # A trainer adds the (unchanged) term to a lesson: only the lesson is newer.
    course = CoursePageFactory(parent=catalogue, slug="schalter")
    _lesson_with(ModulePageFactory(parent=course, slug="aufenthalt-verstehen"), permit)
    second = anki_deck_build(terms=[permit], languages=["ar"])
    log = profile.import_deck(second.content)

    assert second.timestamp > first.timestamp
    assert len(log.updated) == 1 and not log.new and not log.duplicate
    assert "module::schalter::aufenthalt-verstehen" in profile.note_by_key(f"{permit.key}/ar").tags
    assert profile.collection.note_count() == 1


def test_retired_term_keeps_its_other_tags_and_is_tagged_retired(permit, anki_profile):
    permit.retired = True
    permit.save()

    build = anki_deck_build(terms=[permit], languages=["ar"])
    profile = anki_profile()
    profile.import_deck(build.content)

    assert sorted(profile.note_by_key(f"{permit.key}/ar").tags) == [
        "language::ar",
        "level::advanced",
        "retired",
        "topic::aufenthalt",
    ]
