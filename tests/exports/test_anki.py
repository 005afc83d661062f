import html
import io
import sqlite3
import time
import zipfile
from datetime import UTC, datetime

import genanki
import pytest

from courses.models import Term, TermTranslation
from exports.anki import (
    FIELDS,
    MODEL_ID_KEY,
    MODEL_NAME,
    TEMPLATES,
    anki_deck_build,
    stable_id,
)
from tests.exports.conftest import CONTENT_TIME, term_touch
from tests.factories import TermFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _package_tables(content: bytes, tmp_path) -> dict:
    """Reads the notes and cards tables straight out of an exported package."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        (tmp_path / "inside.anki2").write_bytes(package.read("collection.anki2"))
        infos = package.infolist()
    with sqlite3.connect(tmp_path / "inside.anki2") as db:
        notes = db.execute("select id, guid, mod, tags from notes order by id").fetchall()
        cards = db.execute("select id, nid, ord, mod from cards order by id").fetchall()
        decks = db.execute("select decks from col").fetchone()[0]
    return {"notes": notes, "cards": cards, "decks": decks, "zip": infos}


@pytest.fixture
def three_terms():
    topic = TopicFactory(slug="aufenthalt")
    terms = [
        TermFactory(key="aufenthaltstitel", term="Aufenthaltstitel", topic=topic),
        TermFactory(
            key="fiktionsbescheinigung",
            term="Fiktionsbescheinigung",
            article="die",
            plural="Fiktionsbescheinigungen",
            topic=topic,
            level="advanced",
        ),
        TermFactory(key="pass", term="Pass", article="der", topic=topic),
    ]
    return [term_touch(term, minutes=index) for index, term in enumerate(terms)]


def test_deck_imports_into_anki_with_one_subdeck_per_language(three_terms, anki_profile):
    build = anki_deck_build(terms=three_terms, languages=["ar", "en"])

    profile = anki_profile()
    profile.import_deck(build.content)
    col = profile.collection

    assert build.notes_written == 6 and build.cards_written == 6
    assert col.note_count() == 6
    assert col.card_count() == 6
    assert {
        "Willkommensbehörde",
        "Willkommensbehörde::Vokabeln",
        "Willkommensbehörde::Vokabeln::Arabisch",
        "Willkommensbehörde::Vokabeln::Englisch",
    } <= profile.deck_names()
    arabic_deck = col.decks.id_for_name("Willkommensbehörde::Vokabeln::Arabisch")
    assert len(col.find_cards(f"did:{arabic_deck}")) == 3

    note = profile.note_by_key("fiktionsbescheinigung/ar")
    assert note["German"] == "die Fiktionsbescheinigung"
    assert note["Plural"] == "Fiktionsbescheinigungen"
    assert note["Translation"] == "Fiktionsbescheinigung (ar)"
    assert note["TranslationExample"] == "ex ar"
    assert note["Language"] == "ar"
    assert note["TextDirection"] == "rtl"
    assert note["LegalReference"] == "§ 4 AufenthG"
    assert note["AudioGerman"] == ""
    assert sorted(note.tags) == ["language::ar", "level::advanced", "topic::aufenthalt"]
    assert note.guid == genanki.guid_for("fiktionsbescheinigung", "ar", "vocab-v1")
    assert profile.note_by_key("pass/en")["TextDirection"] == "ltr"


def test_note_type_and_deck_ids_are_fixed(three_terms, anki_profile, tmp_path):
    build = anki_deck_build(terms=three_terms, languages=["tr"])
    profile = anki_profile()
    profile.import_deck(build.content)

    notetype = profile.collection.models.by_name(MODEL_NAME)
    assert notetype["id"] == stable_id(MODEL_ID_KEY) == stable_id("willkommen-training/model/v1")
    assert [field["name"] for field in notetype["flds"]] == FIELDS
    assert [template["name"] for template in notetype["tmpls"]] == [t["name"] for t in TEMPLATES]
    deck_id = stable_id("willkommen-training/deck/Willkommensbehörde::Vokabeln::Türkisch")
    assert f'"{deck_id}"' in _package_tables(build.content, tmp_path)["decks"]


@pytest.mark.parametrize(
    ("direction", "orders"),
    [("de-x", {0}), ("x-de", {1}), ("both", {0, 1})],
)
def test_direction_chooses_the_card_templates(three_terms, anki_profile, direction, orders):
    build = anki_deck_build(terms=three_terms, languages=["fa"], direction=direction)
    profile = anki_profile()
    profile.import_deck(build.content)
    col = profile.collection

    cards = [col.get_card(card_id) for card_id in col.find_cards("")]
    assert {card.ord for card in cards} == orders
    assert len(cards) == 3 * len(orders) == build.cards_written


def test_translation_renders_right_to_left_in_question_and_answer(three_terms, anki_profile):
    build = anki_deck_build(terms=three_terms[:1], languages=["ar", "uk"], direction="both")
    profile = anki_profile()
    profile.import_deck(build.content)
    col = profile.collection

    rendered = {}
    for card_id in col.find_cards(""):
        card = col.get_card(card_id)
        rendered[(card.note()["Language"], card.ord)] = (card.question(), card.answer())

    arabic = 'lang="ar" dir="rtl">Aufenthaltstitel (ar)</div>'
    question, answer = rendered[("ar", 1)]  # Arabic first
    assert arabic in question and arabic in answer
    question, answer = rendered[("ar", 0)]  # German first: Arabic only on the back
    assert arabic not in question and arabic in answer
    assert 'lang="de" dir="ltr">der Aufenthaltstitel</div>' in question
    assert 'lang="uk" dir="ltr">Aufenthaltstitel (uk)</div>' in rendered[("uk", 1)][0]


def test_termbase_text_is_escaped_and_shows_literally(anki_profile):
    hostile = """<script>alert("x")</script> <b>fett</b> & 'Zitat' <vor>"""
    term = TermFactory(key="heikel", term="Heikel", explanation=hostile, translated=False)
    TermTranslation.objects.create(term=term, language="en", text=hostile, example="a\nb")

    build = anki_deck_build(terms=[term], languages=["en"], direction="both")
    profile = anki_profile()
    profile.import_deck(build.content)
    note = profile.note_by_key("heikel/en")

    assert note["Explanation"] == html.escape(hostile)
    assert note["Translation"] == html.escape(hostile)
    assert "&lt;script&gt;" in note["Translation"] and "<script>" not in note["Translation"]
    assert "&amp;" in note["Translation"] and "&lt;vor&gt;" in note["Translation"]
    assert note["TranslationExample"] == "a<br>b"
    card = profile.collection.get_card(profile.collection.find_cards("card:2")[0])
    assert "<script>" not in card.question() and "<b>fett" not in card.question()
    assert html.escape(hostile) in card.question()


def test_terms_without_a_translation_are_skipped_and_reported(three_terms):
    TermTranslation.objects.filter(term=three_terms[2], language="fa").delete()
    blank = TermTranslation.objects.get(term=three_terms[0], language="fa")
    blank.text = "  "
    blank.save()

    build = anki_deck_build(terms=Term.objects.all(), languages=["fa", "ru"])

    assert build.skipped == {"fa": ["aufenthaltstitel", "pass"], "ru": []}
    assert build.notes_by_language == {"fa": 1, "ru": 3}
    assert build.notes_written == 4
    assert any("skipped for fa" in line and "pass" in line for line in build.summary_lines())


def test_language_without_any_translation_gets_no_deck(three_terms):
    TermTranslation.objects.filter(language="uk").delete()
    build = anki_deck_build(terms=Term.objects.all(), languages=["uk", "en"])
    assert build.deck_names == ["Willkommensbehörde::Vokabeln::Englisch"]
    with pytest.raises(ValueError, match="none of the terms"):
        anki_deck_build(terms=Term.objects.all(), languages=["uk"])


@pytest.mark.parametrize(
    ("languages", "direction", "message"),
    [
        (["xx"], "de-x", "unknown or missing language"),
        ([], "de-x", "unknown or missing language"),
        (["de"], "de-x", "unknown or missing language"),
        (["en"], "sideways", "direction must be one of"),
    ],
)
def test_invalid_arguments_are_refused(three_terms, languages, direction, message):
    with pytest.raises(ValueError, match=message):
        anki_deck_build(terms=three_terms, languages=languages, direction=direction)


def test_no_terms_is_refused(db):
    with pytest.raises(ValueError, match="no terms"):
        anki_deck_build(terms=Term.objects.none(), languages=["en"])


def test_same_content_gives_byte_identical_files(three_terms, monkeypatch, tmp_path):
    first = anki_deck_build(terms=Term.objects.all(), languages=["ar", "en"], direction="both")

    # A day later on the wall clock: temporary files, zip entries and anything read
    # from the clock would now differ, only the content decides.
    later = time.time() + 86400
    monkeypatch.setattr(time, "time", lambda: later)
    real_localtime = time.localtime
    monkeypatch.setattr(
        time,
        "localtime",
        lambda seconds=None: real_localtime(later if seconds is None else seconds + 86400),
    )
    again = anki_deck_build(
        terms=list(reversed(Term.objects.all())), languages=["ar", "en"], direction="both"
    )

    assert again.content == first.content
    tables = _package_tables(first.content, tmp_path)
    expected = CONTENT_TIME.replace(minute=32)
    assert first.timestamp == int(expected.timestamp())
    assert {entry.date_time for entry in tables["zip"]} == {expected.timetuple()[:6]}
    assert [entry.filename for entry in tables["zip"]] == sorted(
        entry.filename for entry in tables["zip"]
    )
    assert {mod for *_rest, mod in tables["cards"]} == {first.timestamp}
    assert {mod for _id, _guid, mod, _tags in tables["notes"]} == {first.timestamp}
    assert f'"mod": {first.timestamp}' in tables["decks"]


def test_later_change_gives_a_larger_package_timestamp(three_terms, tmp_path):
    before = anki_deck_build(terms=Term.objects.all(), languages=["en"])
    term = three_terms[0]
    term.explanation = "Neu erklärt."
    term.save()  # auto_now: the real clock, long after CONTENT_TIME

    after = anki_deck_build(terms=Term.objects.all(), languages=["en"])

    assert after.timestamp > before.timestamp
    assert after.timestamp == int(Term.objects.get(pk=term.pk).updated_at.timestamp())
    assert after.content != before.content
    assert datetime.fromtimestamp(after.timestamp, tz=UTC) > CONTENT_TIME
    notes = _package_tables(after.content, tmp_path)["notes"]
    assert {mod for _id, _guid, mod, _tags in notes} == {after.timestamp}


def test_reimporting_a_changed_export_updates_notes_in_place(three_terms, anki_profile):
    _stay, corrected, retired = three_terms
    profile = anki_profile()
    col = profile.collection
    profile.import_deck(anki_deck_build(terms=Term.objects.all(), languages=["ar"]).content)
    assert col.note_count() == 3

    # The clerk learns one card before the update arrives.
    card = col.get_card(col.find_cards(f"nid:{profile.note_by_key('aufenthaltstitel/ar').id}")[0])
    card.start_timer()
    states = col._backend.get_scheduling_states(card.id)
    col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=3))
    learned = col.get_card(card.id)
    assert learned.reps == 1
    revlog_before = col.db.scalar("select count() from revlog where cid = ?", card.id)
    assert revlog_before == 1

    # The trainer corrects a translation, adds a term and retires another.
    arabic = corrected.translations.get(language="ar")
    arabic.text = "شهادة الإقامة المؤقتة"
    arabic.save()
    term_touch(corrected, minutes=60)  # the admin saves the term with its translations
    retired.retired = True
    retired.save()
    term_touch(retired, minutes=61)
    new = term_touch(
        TermFactory(key="meldebescheinigung", term="Meldebescheinigung", article="die"), minutes=62
    )

    update = anki_deck_build(terms=Term.objects.all(), languages=["ar"])
    profile.import_deck(update.content)

    assert col.note_count() == 4
    assert col.card_count() == 4
    assert profile.note_by_key("fiktionsbescheinigung/ar")["Translation"] == "شهادة الإقامة المؤقتة"
    assert "retired" in profile.note_by_key("pass/ar").tags
    assert "retired" not in profile.note_by_key("aufenthaltstitel/ar").tags
    assert profile.note_by_key(f"{new.key}/ar")["German"] == "die Meldebescheinigung"
    assert len({note.guid for note in profile.notes()}) == 4
    kept = col.get_card(card.id)
    assert (kept.reps, kept.ivl, kept.type) == (learned.reps, learned.ivl, learned.type)
    assert col.db.scalar("select count() from revlog where cid = ?", card.id) == revlog_before


def test_older_export_does_not_overwrite_a_newer_import(three_terms, anki_profile):
    """Why the package timestamp must grow: Anki keeps a note that is newer than the
    incoming one, so a stale deck cannot undo a correction."""
    newer = anki_deck_build(terms=Term.objects.all(), languages=["en"])
    translation = three_terms[2].translations.get(language="en")
    translation.text = "stale"
    translation.save()
    Term.objects.update(updated_at=CONTENT_TIME.replace(year=2025))
    stale = anki_deck_build(terms=Term.objects.all(), languages=["en"])
    assert stale.timestamp < newer.timestamp

    profile = anki_profile()
    profile.import_deck(newer.content)
    profile.import_deck(stale.content)
    assert profile.note_by_key("pass/en")["Translation"] == "Pass (en)"


def test_switching_to_both_directions_adds_the_reverse_cards(three_terms, anki_profile):
    profile = anki_profile()
    profile.import_deck(anki_deck_build(terms=Term.objects.all(), languages=["ru"]).content)
    assert profile.collection.card_count() == 3

    term_touch(three_terms[0], minutes=30)
    both = anki_deck_build(terms=Term.objects.all(), languages=["ru"], direction="both")
    profile.import_deck(both.content)

    assert profile.collection.note_count() == 3
    assert profile.collection.card_count() == 6
