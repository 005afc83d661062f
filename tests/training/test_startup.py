"""A web worker freezes what it loaded at start-up, so full garbage collections during
requests no longer walk Django's and Wagtail's objects (docs/benchmarks.md)."""

import gc
import runpy
import sys
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_gunicorn_worker_freezes_the_loaded_application(unfrozen):
    hook = runpy.run_path(str(CONFIG))["post_worker_init"]
    assert gc.get_freeze_count() == 0
    hook(worker=None)
    # Everything loaded so far is out of the collector's reach, views included.
    assert gc.get_freeze_count() > 100_000
    assert "training.reports.views" in sys.modules
    assert gc.collect() >= 0  # the collector still works on what comes later
