"""axe-core on every kind of page a clerk sees, filled with the demo curriculum.

Only violations of impact "serious" or "critical" fail the test; all of them are printed.
"""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from courses.blocks import LessonStreamBlock
from courses.demo.seed import demo_content_ensure
from courses.models import CataloguePage, CoursePage, LessonPage, ModulePage
from tests.browser.conftest import browser_db

pytestmark = browser_db

BLOCKING = {"serious", "critical"}


def _lessons_covering_every_block() -> list[LessonPage]:
    """As few demo lessons as needed so that each block type is seen at least once."""
    wanted = set(LessonStreamBlock.base_blocks)
    lessons = {lesson: {b.block_type for b in lesson.body} for lesson in LessonPage.objects.live()}
    chosen = []
    while wanted:
        best = max(lessons, key=lambda lesson: len(lessons[lesson] & wanted))
        if not lessons[best] & wanted:
            pytest.fail(f"The demo curriculum uses no block of type {sorted(wanted)}.")
        chosen.append(best)
        wanted -= lessons.pop(best)
    return chosen


def _violations(page) -> list[dict]:
    results = Axe().run(page)
    return [
        {
            "page": page.url,
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]


@pytest.fixture
def demo_site(live_site, transactional_db):
    # The demo seed makes its own catalogue the site root; ours from live_site makes way.
    live_site.delete()
    demo_content_ensure()
    return CataloguePage.objects.get()


def test_clerk_pages_have_no_serious_accessibility_violations(page, demo_site, clerk, sign_in):
    found = []
    page.goto("/konto/anmelden/")
    found += _violations(page)

    sign_in(page, clerk.username)
    course = CoursePage.objects.live().first()
    addresses = ["/", course.url, ModulePage.objects.live().child_of(course).first().url]
    addresses += [lesson.url for lesson in _lessons_covering_every_block()]
    addresses += ["/glossar/", "/glossar/?q=Aufenthalt&language=ar"]
    for address in addresses:
        response = page.goto(address)
        assert response.status == 200, address
        found += _violations(page)

    print(json.dumps(found, indent=2, ensure_ascii=False))
    assert not found, f"{len(found)} serious or critical accessibility violations (printed above)"


def test_axe_reports_what_it_should(page):
    """Guards the check above against passing because axe never ran or saw nothing."""
    page.set_content(
        '<html lang="de"><head><title>Probe</title></head>'
        '<body><main><img src="x.png"></main></body></html>'
    )
    assert [v["rule"] for v in _violations(page)] == ["image-alt"]
