"""A trainer writes a lesson in the Wagtail admin; once published, clerks read it."""

import re

from playwright.sync_api import expect

from courses.models import LessonPage
from tests.browser.conftest import browser_db
from tests.factories import CoursePageFactory, ModulePageFactory

pytestmark = browser_db


def _add_block(editor, label: str) -> None:
    # The last "insert" button sits below the last block, so blocks arrive in order.
    editor.locator(".c-sf-add-button").last.click()
    editor.get_by_role("option", name=label, exact=True).click()


def _type_rich_text(editor, text: str, *, count: int) -> None:
    """Types into the newest Draftail editor, once the new block has rendered it."""
    rich_text = editor.locator(".public-DraftEditor-content")
    expect(rich_text).to_have_count(count)
    rich_text.last.click()
    editor.keyboard.type(text)
    # Draftail writes its hidden form field a moment after typing (debounced): wait for it,
    # or the form is sent without the text.
    field = rich_text.last.locator(
        "xpath=ancestor::*[input[@type='hidden']][1]/input[@type='hidden']"
    )
    expect(field).to_have_value(re.compile(re.escape(text)))


def test_trainer_drafts_previews_and_publishes_a_lesson(
    browser, page, live_site, trainer, clerk, sign_in
):
    course = CoursePageFactory(parent=live_site, title="Willkommen am Schalter")
    module = ModulePageFactory(parent=course, title="Haltung")

    sign_in(page, trainer.username)
    page.goto(f"/admin/pages/{module.pk}/")
    # A module takes only lessons, so Wagtail goes straight to the lesson form.
    page.get_by_role("link", name="Unterseite hinzufügen").first.click()
    # A module takes lessons and quizzes: Wagtail asks which.
    expect(page).to_have_url(re.compile(rf"/admin/pages/{module.pk}/add_subpage/"))
    page.get_by_role("link", name="Lektion", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/admin/pages/add/courses/lessonpage/{module.pk}/"))
    page.locator("#id_title").fill("Der erste Eindruck")
    page.locator("#id_intro").fill("Wie ein Termin gut beginnt.")

    _add_block(page, "Text")
    _type_rich_text(page, "Begrüßen Sie mit Namen.", count=1)
    _add_block(page, "Hinweiskasten")
    page.locator("select[name$='-value-kind']").last.select_option("tip")
    page.locator("input[name$='-value-title']").last.fill("Gut zu wissen")
    _type_rich_text(page, "Ein Lächeln kostet nichts.", count=2)

    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/"))
    lesson = LessonPage.objects.get(title="Der erste Eindruck")
    assert lesson.has_unpublished_changes and not lesson.live
    assert [block.block_type for block in lesson.get_latest_revision_as_object().body] == [
        "text",
        "callout",
    ]

    # The preview panel renders the draft with the site's own templates.
    page.get_by_role("button", name="Vorschau umschalten").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_role("heading", level=1)).to_have_text("Der erste Eindruck")
    expect(preview.get_by_text("Ein Lächeln kostet nichts.")).to_be_visible()
    page.get_by_role("button", name="Vorschau umschalten").click()

    page.locator("footer .w-dropdown__toggle").click()
    page.get_by_role("button", name="Veröffentlichen", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/admin/pages/{module.pk}/"))
    lesson.refresh_from_db()
    assert lesson.live and not lesson.has_unpublished_changes

    # A clerk, in a browser of their own, finds it under the module.
    clerk_context = browser.new_context(base_url=page.url.split("/admin/")[0], locale="de-DE")
    try:
        clerk_page = clerk_context.new_page()
        sign_in(clerk_page, clerk.username)
        clerk_page.goto(module.url)
        clerk_page.get_by_role("link", name="Der erste Eindruck").click()
        expect(clerk_page.get_by_role("heading", level=1)).to_have_text("Der erste Eindruck")
        expect(clerk_page.get_by_text("Begrüßen Sie mit Namen.")).to_be_visible()
        expect(clerk_page.get_by_text("Ein Lächeln kostet nichts.")).to_be_visible()
    finally:
        clerk_context.close()
