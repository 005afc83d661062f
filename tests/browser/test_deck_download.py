"""A clerk downloads the vocabulary of a module as an Anki deck and it imports into Anki."""

import json

from playwright.sync_api import expect

from exports.deck_exports import DeckRequest, deck_export_run
from exports.models import DeckExport
from tests.browser.conftest import browser_db
from tests.browser.test_accessibility import _violations
from tests.exports.conftest import AnkiProfile
from tests.factories import CoursePageFactory, LessonPageFactory, ModulePageFactory, TermFactory

pytestmark = browser_db


def _module_with_vocabulary(catalogue):
    course = CoursePageFactory(parent=catalogue, title="Willkommen am Schalter")
    module = ModulePageFactory(parent=course, title="Aufenthalt verstehen")
    terms = [TermFactory(term="Aufenthaltstitel"), TermFactory(term="Reisepass")]
    body = [
        {
            "type": "vocabulary",
            "value": {"title": "Begriffe", "terms": [t.pk for t in terms], "languages": []},
        }
    ]
    LessonPageFactory(parent=module, title="Der Aufenthaltstitel", body=json.dumps(body))
    return module


def _imported(tmp_path, content: bytes) -> AnkiProfile:
    from anki.collection import Collection

    directory = tmp_path / "anki"
    directory.mkdir()
    profile = AnkiProfile(directory, Collection(str(directory / "collection.anki2")))
    profile.import_deck(content)
    return profile


def _choose(page, *, languages, direction: str, audio: bool = False) -> None:
    for language in languages:
        page.get_by_role("checkbox", name=language).check()
    page.get_by_role("radio", name=direction).check()
    if audio:
        page.get_by_role("checkbox", name="Mit Audio").check()


def test_clerk_downloads_module_vocabulary_as_anki_deck(page, live_site, clerk, sign_in, tmp_path):
    module = _module_with_vocabulary(live_site)
    sign_in(page, clerk.username)
    page.goto(module.url)
    page.get_by_role("link", name="Vokabeln als Anki-Deck").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vokabeln als Anki-Deck")
    expect(page.locator(".deck-scope")).to_contain_text("Modul „Aufenthalt verstehen“ · 2 Begriffe")
    assert _violations(page) == []

    _choose(page, languages=["Englisch", "Arabisch"], direction="Beide Richtungen")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Deck herunterladen").click()
    download = download_info.value

    assert download.suggested_filename.startswith("willkommen-vokabeln-modul-")
    assert download.suggested_filename.endswith("-en-ar.apkg")
    profile = _imported(tmp_path, open(download.path(), "rb").read())  # noqa: SIM115
    try:
        assert profile.collection.note_count() == 4
        assert profile.collection.card_count() == 8
        assert {
            "Willkommensbehörde::Vokabeln::Englisch",
            "Willkommensbehörde::Vokabeln::Arabisch",
        } <= profile.deck_names()
    finally:
        profile.collection.close()


def test_deck_with_audio_is_prepared_and_downloaded_from_its_status_page(
    page, live_site, clerk, sign_in, tmp_path
):
    module = _module_with_vocabulary(live_site)
    sign_in(page, clerk.username)
    page.goto(module.url)
    page.get_by_role("link", name="Vokabeln als Anki-Deck").click()
    _choose(page, languages=["Ukrainisch"], direction="Deutsch → Sprache", audio=True)
    page.get_by_role("button", name="Deck herunterladen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Anki-Deck")
    expect(page.get_by_role("status")).to_have_text("Fertig")
    expect(page.locator("progress")).to_have_attribute("value", "100")
    assert _violations(page) == []
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Deck herunterladen").click()

    profile = _imported(tmp_path, open(download_info.value.path(), "rb").read())  # noqa: SIM115
    try:
        assert profile.collection.note_count() == 2
        note = profile.notes()[0]
        assert note["AudioGerman"].startswith("[sound:wb-")
    finally:
        profile.collection.close()


def test_status_page_follows_the_export_without_a_reload(page, live_site, clerk, sign_in):
    module = _module_with_vocabulary(live_site)
    # Recorded but not queued, as when the worker has not picked it up yet.
    export = DeckExport.objects.create(
        owner=clerk,
        parameters=DeckRequest(languages=("en",), page_id=module.pk).to_parameters(),
        label="Modul",
        filename="willkommen-vokabeln-test-en.apkg",
    )
    sign_in(page, clerk.username)
    page.goto(f"/vokabeln/anki/export/{export.pk}/")
    expect(page.get_by_role("status")).to_have_text("Wartet auf den Start")
    expect(page.get_by_role("link", name="Seite neu laden")).to_be_visible()
    expect(page.get_by_role("link", name="Deck herunterladen")).to_have_count(0)
    assert _violations(page) == []

    # The worker does its job; the page's polling notices and shows the download.
    deck_export_run(export_id=export.pk)
    expect(page.get_by_role("link", name="Deck herunterladen")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("status")).to_have_text("Fertig")
