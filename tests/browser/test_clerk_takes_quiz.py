"""A clerk takes a quiz on a phone-sized screen with the keyboard only."""

import re

from playwright.sync_api import expect

from quizzes.models import QuizAttempt
from tests.browser.conftest import browser_db
from tests.factories import CoursePageFactory, ModulePageFactory
from tests.quizzes.factories import (
    ClozeQuestionFactory,
    SingleChoiceQuestionFactory,
    quiz_with,
)

pytestmark = browser_db


def _tab_to(page, locator, *, limit: int = 60) -> None:
    """Press Tab until ``locator`` has the focus, as a keyboard user would."""
    for _press in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def _no_serious_accessibility_violations(page) -> None:
    from tests.browser.test_accessibility import _violations

    found = _violations(page)
    assert not found, found


def _no_sideways_scrolling(page) -> None:
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_clerk_finishes_a_quiz_with_the_keyboard(page, live_site, clerk, sign_in):
    module = ModulePageFactory(parent=CoursePageFactory(parent=live_site))
    quiz = quiz_with(
        module,
        [SingleChoiceQuestionFactory(prompt="Welches Dokument?"), ClozeQuestionFactory()],
        title="Quiz am Schalter",
    )
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, clerk.username)
    page.goto(quiz.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz am Schalter")
    _no_sideways_scrolling(page)

    start = page.get_by_role("button", name="Quiz starten")
    _tab_to(page, start)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Frage 1 von 2")
    _no_sideways_scrolling(page)
    _no_serious_accessibility_violations(page)

    # Question 1: single choice, feedback right after answering.
    passport = page.get_by_role("radio", name="Reisepass")
    _tab_to(page, passport)
    page.keyboard.press("Space")
    expect(passport).to_be_checked()
    submit = page.get_by_role("button", name="Antwort abgeben")
    _tab_to(page, submit)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Richtig.")).to_be_visible()
    expect(page.get_by_text("Rückmeldung-richtig-Pass")).to_be_visible()
    following = page.get_by_role("link", name="Nächste Frage")
    _tab_to(page, following)
    page.keyboard.press("Enter")

    # Question 2: cloze, case and spaces do not count.
    expect(page.get_by_role("heading", level=1)).to_have_text("Frage 2 von 2")
    _tab_to(page, page.get_by_label("Lücke 1"))
    page.keyboard.type("  blaue karte eu ")
    page.keyboard.press("Tab")
    page.keyboard.type("AUFENTHALTSTITEL")
    _tab_to(page, page.get_by_role("button", name="Antwort abgeben"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Richtig.")).to_be_visible()
    _tab_to(page, page.get_by_role("link", name="Zur Übersicht"))
    page.keyboard.press("Enter")

    expect(page.get_by_text("Alle Fragen sind beantwortet.")).to_be_visible()
    _tab_to(page, page.get_by_role("button", name="Abschließen und Ergebnis ansehen"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/auswertung/$"))
    expect(page.get_by_role("status").filter(has_text="Ergebnis: 100 %")).to_contain_text(
        "bestanden"
    )
    _no_sideways_scrolling(page)
    _no_serious_accessibility_violations(page)
    attempt = QuizAttempt.objects.get(user=clerk)
    assert attempt.score == 100.0 and attempt.passed
