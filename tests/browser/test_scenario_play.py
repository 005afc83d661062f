"""A clerk plays a counter scenario on a phone-sized screen with the keyboard only,
closes the browser half-way, comes back, and finishes with a summary."""

import re

from playwright.sync_api import expect

from quizzes.models import ScenarioPlay
from tests.browser.conftest import browser_db
from tests.factories import CoursePageFactory, ModulePageFactory
from tests.quizzes.scenario_factories import ScenarioPageFactory

pytestmark = browser_db

PHONE = {"width": 375, "height": 740}


def _tab_to(page, name: str, limit: int = 60) -> None:
    """Presses Tab until the control called ``name`` has the focus, as a keyboard user."""
    page.wait_for_load_state("load")
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement && document.activeElement.innerText")
        if focused and focused.strip().startswith(name):
            return
    raise AssertionError(f"Tab never reached {name!r}")


def _fits_the_screen(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_clerk_plays_a_scenario_with_the_keyboard_on_a_phone(
    browser, live_site, clerk, sign_in, live_server
):
    course = CoursePageFactory(parent=live_site, title="Willkommen am Schalter")
    module = ModulePageFactory(parent=course, title="Schwierige Gespräche")
    ScenarioPageFactory(parent=module, title="Titel gestern abgelaufen", slug="abgelaufen")

    context = browser.new_context(base_url=live_server.url, locale="de-DE", viewport=PHONE)
    page = context.new_page()
    sign_in(page, clerk.username)
    page.goto(module.url)
    _tab_to(page, "Titel gestern abgelaufen")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Titel gestern abgelaufen")
    _tab_to(page, "Szenario starten")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Ankunft am Schalter")).to_be_visible()
    _fits_the_screen(page)
    _tab_to(page, "Freundlich begrüßen")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Das Anliegen")).to_be_visible()
    expect(page.get_by_role("heading", name="Rückmeldung zu Ihrer Wahl")).to_be_visible()
    arabic = page.locator(".utterance")
    expect(arabic).to_have_attribute("dir", "rtl")
    expect(arabic).to_have_attribute("lang", "ar")
    expect(page.locator(".gloss")).to_contain_text("Mein Aufenthaltstitel ist gestern abgelaufen.")
    _fits_the_screen(page)
    context.close()  # the browser is closed half-way

    # Later, in a new browser: the scenario page offers to continue where it stopped.
    context = browser.new_context(base_url=live_server.url, locale="de-DE", viewport=PHONE)
    page = context.new_page()
    sign_in(page, clerk.username)
    page.goto(module.url)
    _tab_to(page, "Titel gestern abgelaufen")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Titel gestern abgelaufen")
    _tab_to(page, "Dort weitermachen")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Das Anliegen")).to_be_visible()

    _tab_to(page, "Den Pass zeigen lassen")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Prüfen")).to_be_visible()
    _tab_to(page, "Die Fiktionsbescheinigung")
    page.keyboard.press("Enter")

    summary = page.get_by_role("region", name="Zusammenfassung")
    expect(summary).to_be_visible()
    expect(summary.locator(".scenario-result")).to_have_text(re.compile("Bestanden"))
    expect(summary).to_contain_text("Die Kundin geht beruhigt.")
    expect(summary.get_by_role("row", name=re.compile("Rechtliche Korrektheit"))).to_contain_text(
        "3"
    )
    expect(summary.locator(".scenario-path li")).to_have_count(3)
    expect(page.locator('button[name="option"]')).to_have_count(0)
    _fits_the_screen(page)
    context.close()

    play = ScenarioPlay.objects.get(user=clerk)
    assert play.status == "finished" and play.passed is True
