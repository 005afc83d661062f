"""A clerk follows "Meine Fortbildung": continue where they stopped, mark a lesson done,
reach the end of a lesson that completes itself, and see the course complete."""

import re

from playwright.sync_api import expect

from courses.models import LessonPage
from tests.browser.conftest import browser_db
from tests.factories import CoursePageFactory, LessonPageFactory, ModulePageFactory, UserFactory
from training.assignments import AssignmentData, assignment_create
from training.roles import Role

pytestmark = browser_db


def _assigned_course(catalogue, clerk):
    course = CoursePageFactory(parent=catalogue, title="Gut beraten am Schalter")
    module = ModulePageFactory(parent=course, title="Gespräche führen")
    LessonPageFactory(parent=module, title="Begrüßung")
    LessonPageFactory(
        parent=module,
        title="Nachfragen",
        completion_mode=LessonPage.CompletionMode.END_REACHED,
    )
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    assignment_create(
        actor=administrator,
        data=AssignmentData(page=course, due_mode="assigned", due_days=14, people=(clerk,)),
    )
    return course


def test_dashboard_continue_mark_done_and_end_reached(page, live_site, clerk, sign_in):
    _assigned_course(live_site, clerk)
    sign_in(page, clerk.username)

    page.get_by_role("link", name="Meine Fortbildung").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Fortbildung")
    row = page.get_by_test_id("record-item")
    expect(row).to_contain_text("Gut beraten am Schalter")
    expect(row).to_contain_text("Nicht begonnen")
    expect(row).to_contain_text("0 %")

    page.get_by_test_id("continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Begrüßung")
    page.get_by_role("button", name="Als erledigt markieren").click()
    expect(page.get_by_role("status").first).to_contain_text("Lektion als erledigt markiert.")
    expect(page.locator(".progress-done")).to_contain_text("Sie haben diese Lektion am")

    page.get_by_role("link", name="Meine Fortbildung").first.click()
    expect(row).to_contain_text("In Bearbeitung")
    expect(row).to_contain_text("50 %")
    # Continue now lands on the second lesson, which counts once its end is reached.
    page.get_by_test_id("continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nachfragen")
    page.locator("[data-lesson-progress]").scroll_into_view_if_needed()
    expect(page.locator(".progress-done")).to_be_visible()

    page.get_by_role("link", name="Meine Fortbildung").first.click()
    expect(row).to_contain_text("Abgeschlossen")
    expect(page.get_by_test_id("continue")).to_have_count(0)
    completion = page.get_by_test_id("completion")
    expect(completion).to_contain_text("Gut beraten am Schalter")
    expect(completion.get_by_role("link", name="Zertifikat (PDF)")).to_have_attribute(
        "href", re.compile(r"^/meine-fortbildung/zertifikat/\d+/$")
    )
