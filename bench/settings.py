"""Production-like settings for ``make bench``: DEBUG off, PostgreSQL, persistent connections.

What differs from production is only what a local measurement needs: plain HTTP (no SSL
redirect, no secure cookies), a throwaway database and folders chosen by ``bench/run.py``,
demo users allowed (the database is created and dropped by the run), and ``bench.urls``,
which adds the floor view. Production's urls never contain it.
"""

import os

import dj_database_url

from training.settings.base import *  # noqa: F403
from training.settings.dev import DEMO_PASSWORD  # noqa: F401

DEBUG = False
SECRET_KEY = "bench-only-not-secret-" + "x" * 40
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_training"),
        # As in production: each gunicorn worker keeps its connection between requests.
        conn_max_age=60,
    )
}

STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", STATIC_ROOT)  # noqa: F405
MEDIA_ROOT = os.environ.get("BENCH_MEDIA_ROOT", MEDIA_ROOT)  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production's manifest storage (hashed names looked up per {% static %}), without
    # compressing every file ahead of time, which only costs set-up time here.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"

DEMO_PASSWORDS_ALLOWED = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
