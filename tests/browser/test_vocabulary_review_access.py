"""The vocabulary review for everyone: axe-core on its pages, and a phone-sized screen
where a card flips on a tap and can be rated with the thumb."""

import json

from playwright.sync_api import expect

from tests.browser.conftest import browser_db
from tests.browser.test_accessibility import _violations
from tests.factories import PASSWORD, TermFactory
from training.models import VocabularyReview
from training.vocabulary import vocabulary_deck_ensure

pytestmark = browser_db

REVIEW_URL = "/vokabeln/lernen/karten/"
PHONE = {"width": 360, "height": 640}  # a small Android phone, CSS pixels


def _cards(clerk, language, direction, count=2):
    terms = [
        TermFactory(
            term=f"Verpflichtungserklärungsbescheinigung {n}",
            plural="Verpflichtungserklärungsbescheinigungen",
            explanation="Eine Bescheinigung darüber, dass jemand die Kosten übernimmt.\n"
            "Sie wird bei der Ausländerbehörde abgegeben.",
        )
        for n in range(count)
    ]
    vocabulary_deck_ensure(user=clerk, terms=terms, language=language, direction=direction)
    return terms


def test_review_pages_have_no_serious_accessibility_violations(page, live_site, clerk, sign_in):
    _cards(clerk, "ar", "de-x")
    sign_in(page, clerk.username)
    found = []

    page.goto("/vokabeln/lernen/")
    found += _violations(page)

    page.goto(REVIEW_URL)
    page.wait_for_load_state("load")
    expect(page.locator(".review-word")).to_be_visible()
    found += _violations(page)  # front
    page.keyboard.press("Space")
    expect(page.locator(".review-answer")).to_be_visible()
    found += _violations(page)  # back, flipped by the script

    page.goto(REVIEW_URL + "?show=1")
    found += _violations(page)  # back without the script's flip
    page.goto(REVIEW_URL + "?language=fa&direction=x-de")
    expect(page.get_by_text("Keine Karten fällig")).to_be_visible()
    found += _violations(page)  # nothing due

    print(json.dumps(found, indent=2, ensure_ascii=False))
    assert not found, f"{len(found)} serious or critical accessibility violations (printed above)"


def test_translation_first_card_passes_axe(page, live_site, clerk, sign_in):
    _cards(clerk, "fa", "x-de", count=1)
    sign_in(page, clerk.username)

    page.goto(REVIEW_URL + "?show=1")
    expect(page.locator(".review-word")).to_have_attribute("dir", "rtl")
    found = _violations(page)

    print(json.dumps(found, indent=2, ensure_ascii=False))
    assert not found


def test_on_a_phone_a_card_flips_on_a_tap_fits_the_screen_and_is_rated_by_thumb(
    browser, live_server, live_site, clerk, sign_in
):
    _cards(clerk, "uk", "de-x")
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, has_touch=True, is_mobile=True, locale="de-DE"
    )
    try:
        page = context.new_page()
        sign_in(page, clerk.username, PASSWORD)
        page.goto(REVIEW_URL)
        page.wait_for_load_state("load")

        def fits() -> bool:
            return page.evaluate(
                "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
            )

        assert fits(), "the card page scrolls sideways on a phone"
        page.get_by_role("link", name="Antwort zeigen").tap()
        expect(page.locator(".review-answer")).to_be_visible()
        assert fits(), "the answer side scrolls sideways on a phone"
        # Buttons big enough for a thumb (WCAG 2.5.5: 44 × 44 CSS pixels), inside the screen.
        for name in ("Nochmal", "Schwer", "Gut", "Einfach"):
            box = page.get_by_role("button", name=name).bounding_box()
            assert box["height"] >= 44 and box["width"] >= 44, (name, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (name, box)
        page.get_by_role("button", name="Gut").tap()
        expect(page.get_by_test_id("due-count")).to_contain_text("1 Karte fällig")
        assert VocabularyReview.objects.filter(user=clerk).count() == 1
    finally:
        context.close()
