"""What a web worker does once after loading the application, before its first request.

``gunicorn.conf.py`` calls ``worker_ready`` (its ``post_worker_init`` hook); another WSGI
server can call it after importing ``training.wsgi``.
"""

from __future__ import annotations

import gc


def worker_ready() -> None:
    """Loads the URLconf (and with it every view module), then moves everything loaded
    so far out of the garbage collector's reach with ``gc.freeze()``.

    Django, Wagtail and their modules are a few hundred thousand long-lived objects. A
    report page allocates about as many short-lived ones, which triggers full collections
    that walk the whole heap again: without the freeze, every second or third report
    request paid about 100 ms for it (see docs/benchmarks.md). Frozen objects are never
    collected, which is right for code and configuration that live as long as the worker.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    gc.collect()
    gc.freeze()
