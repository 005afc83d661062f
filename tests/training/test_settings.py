"""Production settings, static files and gunicorn, each checked in a real subprocess."""

import importlib
import json
import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PYTHON = sys.executable
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "training.settings.production",
    "SECRET_KEY": "test-" + "k9#Vq2!xL" * 8,
    "ALLOWED_HOSTS": "fortbildung.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def _env(**overrides: str | None) -> dict[str, str]:
    """The test process's environment without our settings, plus ``overrides``."""
    env = {
        key: value
        for key, value in os.environ.items()
        # The root conftest allows async-unsafe access for browser tests; never in deployment.
        if key not in {*PRODUCTION_ENV, "STATIC_ROOT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        and not key.startswith("GUNICORN_")
    }
    env.update(PRODUCTION_ENV)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        args, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


SETUP = [PYTHON, "-c", "import django; django.setup()"]


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    result = _run(SETUP, _env(**{missing: None}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr.splitlines()[-1]


def test_production_refuses_blank_values_and_names_them_all():
    result = _run(SETUP, _env(SECRET_KEY="  ", ALLOWED_HOSTS=" , ", DATABASE_URL=None))
    assert result.returncode != 0
    last_line = result.stderr.splitlines()[-1]
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"):
        assert name in last_line


def test_production_starts_and_passes_the_deploy_check():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.EMAIL_BACKEND, s.DEMO_PASSWORDS_ALLOWED, "
        "s.WAGTAILADMIN_BASE_URL); "
        "from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    result = _run([PYTHON, "-c", script], _env(ALLOWED_HOSTS="a.example.org, b.example.org"))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "False ['a.example.org', 'b.example.org'] "
        "django.core.mail.backends.smtp.EmailBackend False https://a.example.org"
    )
    assert "System check identified no issues" in lines[1]


def test_deploy_check_warns_when_security_is_switched_off():
    # The check above can fail: here it does.
    result = _run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        _env(SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="0"),
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr
    assert "security.W004" in result.stderr


def test_dev_and_test_settings_keep_mail_local():
    # Importing a settings module only reads it; the running settings stay the test ones.
    dev = importlib.import_module("training.settings.dev")
    assert dev.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory) -> Path:
    static_root = tmp_path_factory.mktemp("static")
    result = _run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        _env(STATIC_ROOT=str(static_root)),
    )
    assert result.returncode == 0, result.stderr
    return static_root


def test_collectstatic_makes_hashed_compressed_files(collected_static):
    manifest = json.loads((collected_static / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert hashed != "css/site.css"
    assert (collected_static / hashed).is_file()
    assert (collected_static / f"{hashed}.gz").is_file()
    assert "wagtailadmin/css/core.css" in manifest["paths"]


def test_gunicorn_config_reads_the_environment(monkeypatch):
    config_path = str(BASE_DIR / "gunicorn.conf.py")
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    defaults = runpy.run_path(config_path)
    assert (defaults["bind"], defaults["workers"]) == ("127.0.0.1:8000", 2)
    assert defaults["wsgi_app"] == "training.wsgi:application"
    monkeypatch.setenv("GUNICORN_BIND", "unix:/run/fortbildung.sock")
    monkeypatch.setenv("GUNICORN_WORKERS", "5")
    configured = runpy.run_path(config_path)
    assert (configured["bind"], configured["workers"]) == ("unix:/run/fortbildung.sock", 5)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], str]:
    """Status, headers and body of one request, redirects not followed, socket closed.

    An open client socket would keep a sync worker waiting for it to close.
    """

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    headers = {"Host": "fortbildung.example.org", **headers}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http://127.0.0.1 only
    try:
        response = opener.open(request, timeout=10)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return response.status, dict(response.headers), response.read().decode("latin-1")


def test_gunicorn_serves_production_with_whitenoise(collected_static):
    port = _free_port()
    env = _env(
        STATIC_ROOT=str(collected_static),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
    )
    gunicorn = Path(PYTHON).parent / "gunicorn"
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [str(gunicorn), "-c", "gunicorn.conf.py"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                plain = _get(f"{base}/konto/anmelden/")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)

        # Plain HTTP is sent to HTTPS; behind the proxy (X-Forwarded-Proto) the page is served.
        status, headers, _body = plain
        assert status == 301
        assert headers["Location"] == "https://fortbildung.example.org/konto/anmelden/"
        status, headers, html = _get(f"{base}/konto/anmelden/", **{"X-Forwarded-Proto": "https"})
        assert status == 200
        assert "<h1>Anmelden</h1>" in html.encode("latin-1").decode()
        assert "max-age=31536000" in headers["Strict-Transport-Security"]

        manifest = json.loads((collected_static / "staticfiles.json").read_text())
        hashed = manifest["paths"]["css/site.css"]
        assert f"/static/{hashed}" in html
        status, headers, _body = _get(
            f"{base}/static/{hashed}",
            **{"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"},
        )
        assert status == 200
        assert headers["Content-Encoding"] == "gzip"
        assert "immutable" in headers["Cache-Control"]

        status, _headers, _body = _get(
            f"{base}/konto/anmelden/", Host="evil.example", **{"X-Forwarded-Proto": "https"}
        )
        assert status == 400
    finally:
        server.terminate()
        server.wait(timeout=20)
