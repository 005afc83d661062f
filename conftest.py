import os

# Playwright's sync API runs an event loop in the test thread; Django must still allow
# database access from there for live-server browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
