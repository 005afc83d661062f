"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

The browser comes from the ``chromium`` executable of the Debian package (``make test``
installs it); Playwright's own browser download is never used, and a missing Chromium is
an error, not a skip, so that a green run always means the browser tests ran.

The live server answers from another thread, so these tests need real commits
(``transaction=True``). A transactional test ends with a flush, which would also wipe what
migrations put in the database (Wagtail's root page, locale and collection, the role
groups); ``serialized_rollback`` reloads that state before every test, and
``_database_restored_after_session`` reloads it once more at the end so that later tests and
the next ``--reuse-db`` run find the database as migrations left it.
"""

import re
import shutil
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from playwright.sync_api import Page as BrowserPage
from playwright.sync_api import expect

from tests.factories import PASSWORD

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Every test module here marks its tests with this, so that the database is real and
# restored between tests.
browser_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """Overrides pytest-playwright's launch options: Debian's Chromium, headless."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Chromium is not installed: the browser tests need Debian's `chromium` "
            "(`make test` installs it, or `apt-get install chromium`).",
            pytrace=False,
        )
    return {"executable_path": executable, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "locale": "de-DE",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture(scope="session")
def _migrated_state(django_db_setup):
    """Django's snapshot of the migrated database (for ``serialized_rollback``).

    Taken before Playwright starts: Playwright's sync API keeps an event loop running in
    this thread, and from then on Django hands out a different connection object (asgiref
    keeps connections per context inside a running loop), one without the snapshot.
    """
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is None:
        pytest.fail("No snapshot of the migrated test database was taken.", pytrace=False)
    return contents


@pytest.fixture(scope="session", autouse=True)
def _database_restored_after_session(_migrated_state, playwright, django_db_blocker):
    # Give the snapshot to the connection the tests now use, or Django would neither
    # reload it before each test nor keep the post-flush signal from recreating the roles.
    connection._test_serialized_contents = _migrated_state
    yield
    with django_db_blocker.unblock():
        from wagtail.models import Page

        # The last transactional test ended with a flush; put the migrated state back.
        if Page.get_first_root_node() is None:
            connection.creation.deserialize_db_from_string(_migrated_state)
    cache.clear()


@pytest.fixture
def live_site(live_server, transactional_db):
    """The catalogue as the live server's home page; caches cleared of the last test's site."""
    from wagtail.models import Page

    from tests.factories import catalogue_as_site_root

    # Site root paths and any rendered fragments live in the cache, which a flush does
    # not empty; the next test's pages have new ids.
    cache.clear()
    if Page.get_first_root_node() is None:
        pytest.fail(
            "The test database has lost Wagtail's root page (an interrupted earlier run?): "
            "run pytest with --create-db.",
            pytrace=False,
        )
    return catalogue_as_site_root()


def _sign_in(page: BrowserPage, username: str, password: str = PASSWORD) -> None:
    page.goto("/konto/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    expect(page).not_to_have_url(re.compile(r"/konto/anmelden/"))


@pytest.fixture
def sign_in():
    """``sign_in(page, username[, password])`` through the real login form, as a person would."""
    return _sign_in


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keeps a screenshot of every open tab when a browser test fails."""
    report = yield
    browser = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and browser is not None:
        folder = Path(item.config.getoption("--output")) / re.sub(r"\W+", "-", item.name).strip("-")
        folder.mkdir(parents=True, exist_ok=True)
        for c, context in enumerate(browser.contexts):
            for p, tab in enumerate(context.pages):
                try:
                    tab.screenshot(path=folder / f"context{c}-tab{p}.png", full_page=True)
                except Exception as error:  # a crashed tab must not hide the real failure
                    report.sections.append(("screenshot", f"no screenshot: {error}"))
    return report
