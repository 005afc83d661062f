"""axe-core on the report pages a manager reads: the completion matrix (unfiltered and
filtered) and the trends with their charts and tables.

Only violations of impact "serious" or "critical" fail the test; all of them are printed.
"""

import json

from tests.browser.conftest import browser_db
from tests.browser.test_accessibility import _violations
from tests.training.reports.conftest import record_build

pytestmark = browser_db


def test_manager_report_pages_have_no_serious_accessibility_violations(page, live_site, sign_in):
    record = record_build(live_site)
    sign_in(page, record.manager_a.username)
    found = []
    for address, landmark in [
        ("/admin/berichte/matrix/", "#completion-matrix"),
        ("/admin/berichte/matrix/?status=overdue&sort=-name", "#completion-matrix"),
        ("/admin/berichte/verlauf/", "svg#chart-compliance"),
    ]:
        response = page.goto(address)
        assert response.status == 200, address
        # The report itself is on the page, so axe checks the table or chart, not an error.
        assert page.locator(landmark).count() == 1, address
        found += _violations(page)

    print(json.dumps(found, indent=2, ensure_ascii=False))
    assert not found, f"{len(found)} serious or critical accessibility violations (printed above)"
