import json
import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from courses.models import CoursePage, TermTranslation
from exports.anki import anki_terms_select
from tests.exports.conftest import term_touch
from tests.factories import (
    CoursePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    TermFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def _vocabulary(*blocks, stored_as_items: bool = True) -> str:
    """A lesson body with one vocabulary block per list of terms, among other blocks.

    The admin stores list items as ``{"type": "item", "value": pk, "id": ...}``;
    content from before Wagtail 2.16 (and hand-written JSON) holds bare pks.
    """

    def item(term):
        if stored_as_items:
            return {"type": "item", "value": term.pk, "id": str(uuid.uuid4())}
        return term.pk

    body = [{"type": "reflection", "value": {"prompt": "Was hilft?", "hint": ""}}]
    body += [
        {
            "type": "vocabulary",
            "value": {"title": "Begriffe", "terms": [item(t) for t in terms], "languages": []},
        }
        for terms in blocks
    ]
    return json.dumps(body)


@pytest.fixture
def course_tree(catalogue):
    """Two courses; the first has two modules with lessons drawing on the termbase."""
    terms = {
        key: term_touch(TermFactory(key=key, term=key.capitalize()), minutes=n)
        for n, key in enumerate(["antrag", "pass", "visum", "fiktion", "frist", "ausserhalb"])
    }
    course = CoursePageFactory(parent=catalogue, slug="schalter")
    first = ModulePageFactory(parent=course, slug="aufenthalt")
    second = ModulePageFactory(parent=course, slug="termine")
    LessonPageFactory(
        parent=first, body=_vocabulary([terms["antrag"], terms["pass"]], [terms["pass"]])
    )
    LessonPageFactory(parent=first, body=_vocabulary([terms["visum"]], stored_as_items=False))
    LessonPageFactory(parent=second, body=_vocabulary([terms["fiktion"]]))
    # A lesson still in draft does not put its terms into a deck.
    LessonPageFactory(parent=second, body=_vocabulary([terms["frist"]]), live=False)
    other = CoursePageFactory(parent=catalogue, slug="anderer-kurs")
    LessonPageFactory(
        parent=ModulePageFactory(parent=other), body=_vocabulary([terms["ausserhalb"]])
    )
    return terms


def _export(tmp_path, *args) -> tuple[bytes, str]:
    out = tmp_path / "out" / "deck.apkg"
    stdout = StringIO()
    call_command("export_anki", "--out", str(out), *args, stdout=stdout)
    return out.read_bytes(), stdout.getvalue()


def _keys(profile) -> set[str]:
    return {note["Key"] for note in profile.notes()}


def test_course_export_takes_the_terms_of_its_published_lessons(
    course_tree, tmp_path, anki_profile
):
    TermTranslation.objects.filter(term=course_tree["visum"], language="fa").delete()

    content, output = _export(tmp_path, "--course", "schalter", "--lang", "ar,fa")

    profile = anki_profile()
    profile.import_deck(content)
    assert _keys(profile) == {
        "antrag/ar", "pass/ar", "visum/ar", "fiktion/ar",
        "antrag/fa", "pass/fa", "fiktion/fa",
    }  # fmt: skip
    assert "7 notes, 7 cards in 2 decks" in output
    assert "skipped for fa (no translation): 1: visum" in output
    assert "audio: not requested" in output


def test_module_export_and_direction(course_tree, tmp_path, anki_profile):
    content, _output = _export(
        tmp_path, "--module", "aufenthalt", "--lang", "en", "--direction", "both"
    )

    profile = anki_profile()
    profile.import_deck(content)
    assert _keys(profile) == {"antrag/en", "pass/en", "visum/en"}
    assert profile.collection.card_count() == 6


def test_topic_export_leaves_out_retired_terms_unless_asked(db, tmp_path, anki_profile):
    topic = TopicFactory(slug="dokumente")
    TermFactory(key="pass", topic=topic)
    TermFactory(key="kinderausweis", topic=topic, retired=True)
    TermFactory(key="anderes-thema")

    content, _output = _export(tmp_path, "--topic", "dokumente", "--lang", "tr")
    profile = anki_profile()
    profile.import_deck(content)
    assert _keys(profile) == {"pass/tr"}

    content, _output = _export(
        tmp_path, "--topic", "dokumente", "--lang", "tr", "--include-retired"
    )
    profile = anki_profile("update")
    profile.import_deck(content)
    assert _keys(profile) == {"pass/tr", "kinderausweis/tr"}
    assert "retired" in profile.note_by_key("kinderausweis/tr").tags


def test_whole_termbase_without_a_selection(db, tmp_path):
    TermFactory(key="a")
    TermFactory(key="b")
    _content, output = _export(tmp_path, "--lang", "uk, ru")
    assert "4 notes, 4 cards in 2 decks" in output
    assert "Ukrainisch (uk): 2 notes" in output and "Russisch (ru): 2 notes" in output


def test_audio_option_reports_missing_programs(db, tmp_path, monkeypatch):
    from exports import audio

    monkeypatch.setattr(audio.shutil, "which", lambda name: None)
    TermFactory()
    _content, output = _export(tmp_path, "--lang", "en", "--audio")
    assert "audio: none (espeak-ng and lame not installed)" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lang", "en,xx"], r"Unknown language code\(s\): xx\. Known codes: en, ar"),
        (["--lang", "de"], r"Unknown language code\(s\): de"),
        (["--lang", ","], r"Unknown language code\(s\): \(none given\)"),
        (["--lang", "en", "--topic", "gibt-es-nicht"], "No topic with slug 'gibt-es-nicht'"),
        (["--lang", "en", "--course", "gibt-es-nicht"], "No published course with slug"),
        (["--lang", "en", "--module", "gibt-es-nicht"], "No published module with slug"),
        (["--lang", "en", "--topic", "leer"], "No terms to export for topic 'leer'"),
    ],
)
def test_clear_errors(course_tree, tmp_path, args, message):
    TopicFactory(slug="leer")
    with pytest.raises(CommandError, match=message):
        _export(tmp_path, *args)
    assert not (tmp_path / "out").exists()


def test_course_whose_lessons_have_no_vocabulary_is_an_error(catalogue, tmp_path):
    TermFactory()
    course = CoursePageFactory(parent=catalogue, slug="ohne-vokabeln")
    LessonPageFactory(parent=ModulePageFactory(parent=course), body=_vocabulary())
    with pytest.raises(CommandError, match="No terms to export for course 'ohne-vokabeln'"):
        _export(tmp_path, "--course", "ohne-vokabeln", "--lang", "en")


def test_selection_costs_the_same_queries_however_many_lessons(
    course_tree, django_assert_num_queries
):
    with django_assert_num_queries(4):  # course, lesson bodies, terms, translations
        terms = list(anki_terms_select(course="schalter"))
        for term in terms:
            term.translations_by_language  # noqa: B018 - prefetched, no query per term
    assert [term.key for term in terms] == ["antrag", "fiktion", "pass", "visum"]

    module = ModulePageFactory(parent=CoursePage.objects.get(slug="schalter"))
    for _ in range(3):
        LessonPageFactory(parent=module, body=_vocabulary([TermFactory()]))
    with django_assert_num_queries(4):
        assert len(list(anki_terms_select(course="schalter"))) == 7


def test_deleted_term_in_a_lesson_is_ignored(course_tree, tmp_path):
    course_tree["visum"].delete()
    assert [t.key for t in anki_terms_select(module="aufenthalt")] == ["antrag", "pass"]
