"""A trainer builds a small branching scenario in the Wagtail admin; the graph check
refuses a broken one with the error beside the step; the diagram shows the result."""

import re

from playwright.sync_api import expect

from quizzes.models import ScenarioPage
from tests.browser.conftest import browser_db
from tests.factories import CoursePageFactory, ModulePageFactory

pytestmark = browser_db


def _add_option(page, step: int, text: str, target: str) -> None:
    options = page.locator('[data-contentpath="options"]').nth(step)
    options.locator(".c-sf-add-button").first.click()
    prefix = f"steps-{step}-value-options-0-value"
    expect(page.locator(f'input[name="{prefix}-text"]')).to_be_visible()
    page.locator(f'input[name="{prefix}-text"]').fill(text)
    page.locator(f'input[name="{prefix}-target"]').fill(target)


def _between(page, message, before: str, after: str) -> bool:
    """Whether ``message`` stands after the field ``before`` and before ``after``: inside
    the block of the step it is about."""
    return message.evaluate(
        """(node, [before, after]) => {
            const a = document.querySelector(`[name="${before}"]`);
            const b = document.querySelector(`[name="${after}"]`);
            return Boolean(a.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING)
                && Boolean(node.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
        }""",
        [before, after],
    )


def test_trainer_builds_a_scenario(page, live_site, trainer, sign_in):
    course = CoursePageFactory(parent=live_site, title="Willkommen am Schalter")
    module = ModulePageFactory(parent=course, title="Schwierige Gespräche")
    sign_in(page, trainer.username)
    page.goto(f"/admin/pages/{module.pk}/")
    page.get_by_role("link", name="Unterseite hinzufügen").first.click()
    page.get_by_role("link", name=re.compile(r"^Schalterszenario")).click()
    expect(page).to_have_url(re.compile(rf"/admin/pages/add/quizzes/scenariopage/{module.pk}/"))
    page.locator("#id_title").fill("Kurzes Szenario")

    # Step 1: the arrival, with one option whose target has a typo.
    page.locator(".c-sf-add-button").last.click()
    expect(page.locator('input[name="steps-0-value-key"]')).to_be_visible()
    page.locator('input[name="steps-0-value-key"]').fill("ankunft")
    page.locator('input[name="steps-0-value-title"]').fill("Die Kundin kommt an")
    _add_option(page, 0, "Freundlich begrüßen", "ennde")
    # Step 2: the ending.
    page.get_by_title("Einen Block einfügen").last.click()
    expect(page.locator('input[name="steps-1-value-key"]')).to_be_visible()
    page.locator('input[name="steps-1-value-key"]').fill("ende")
    page.locator('input[name="steps-1-value-title"]').fill("Gut gelöst")
    page.locator('input[name="steps-1-value-is_ending"]').check()
    page.locator('select[name="steps-1-value-outcome"]').select_option("success")

    page.get_by_role("button", name="Entwurf speichern").click()
    # Refused: the error stands beside the first step, and the second is unreachable.
    typo = page.get_by_text("Option 1 verweist auf den Schritt „ennde“, den es nicht gibt.")
    unreachable = page.get_by_text("Vom ersten Schritt führt kein Weg zu diesem Schritt.")
    expect(typo).to_be_visible()
    expect(unreachable).to_be_visible()
    # Wagtail shows a step's errors at the top of its block, above its first field.
    assert _between(page, typo, "steps-count", "steps-0-value-key")
    assert _between(page, unreachable, "steps-0-value-summary", "steps-1-value-key")
    assert not ScenarioPage.objects.exists()

    page.locator('input[name="steps-0-value-options-0-value-target"]').fill("ende")
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/"))
    scenario = ScenarioPage.objects.get(title="Kurzes Szenario")
    draft = scenario.get_latest_revision_as_object().definition()
    assert [s["key"] for s in draft["steps"]] == ["ankunft", "ende"]
    assert draft["steps"][0]["options"][0]["target"] == "ende"

    page.goto(f"/admin/szenarien/{scenario.pk}/diagramm/")
    diagram = page.get_by_test_id("scenario-diagram")
    expect(diagram.locator("g.scenario-node")).to_have_count(2)
    expect(
        page.get_by_role("list", name="Schritte und wohin ihre Optionen führen")
    ).to_contain_text("Freundlich begrüßen → ende")
