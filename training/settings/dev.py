"""Development on one laptop: SQLite, console e-mail, demo passwords allowed."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Only development may create the demo users with their known passwords.
DEMO_PASSWORDS_ALLOWED = True
DEMO_PASSWORD = "willkommen2026"  # noqa: S105
