"""Sign-in, sign-out, password change and reset, in German and English."""

import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from tests.factories import PASSWORD, UserFactory
from training.roles import Role

pytestmark = pytest.mark.django_db

LOGIN_URL = "/konto/anmelden/"
NEW_PASSWORD = "Neues-Passwort-am-Schalter-42"


def _english(client):
    response = client.post("/sprache/", {"language": "en", "next": LOGIN_URL})
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    return client


def _signed_in_user_id(client):
    return client.session.get("_auth_user_id")


# --- Sign-in -------------------------------------------------------------------------


def test_sign_in_page_is_german_by_default(client):
    html = client.get(LOGIN_URL, headers={"accept-language": "en"}).content.decode()
    assert '<html lang="de"' in html
    assert "<h1>Anmelden</h1>" in html
    assert "Benutzername" in html
    assert "Passwort vergessen?" in html


def test_language_switch_turns_the_sign_in_page_english(client):
    html = _english(client).get(LOGIN_URL).content.decode()
    assert '<html lang="en"' in html
    assert "<h1>Sign in</h1>" in html
    assert "Username" in html
    assert "Forgotten your password?" in html
    assert "Anmelden" not in html


def test_wrong_password_gives_a_clear_german_error_and_no_session(client):
    user = UserFactory(role=Role.CLERK)
    response = client.post(LOGIN_URL, {"username": user.username, "password": "falsch"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "Benutzername oder Passwort ist nicht korrekt" in html
    assert _signed_in_user_id(client) is None
    assert client.get("/").status_code == 302


def test_unknown_user_gets_the_same_error_as_a_wrong_password(client):
    response = client.post(LOGIN_URL, {"username": "niemand", "password": "falsch"})
    assert "Benutzername oder Passwort ist nicht korrekt" in response.content.decode()


def test_wrong_password_error_in_english(client):
    user = UserFactory(role=Role.CLERK)
    _english(client)
    response = client.post(LOGIN_URL, {"username": user.username, "password": "wrong"})
    assert "The user name or the password is not correct" in response.content.decode()


def test_deactivated_account_cannot_sign_in(client):
    user = UserFactory(role=Role.CLERK, is_active=False)
    response = client.post(LOGIN_URL, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert _signed_in_user_id(client) is None


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("", "/"),
        ("/glossar/", "/glossar/"),
        ("https://evil.example/phish", "/"),
        ("//evil.example/phish", "/"),
    ],
)
def test_sign_in_follows_next_only_within_the_site(client, next_url, expected):
    user = UserFactory(role=Role.CLERK)
    response = client.post(
        LOGIN_URL, {"username": user.username, "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == expected
    assert _signed_in_user_id(client) == str(user.pk)


def test_protected_page_sends_to_sign_in_and_back(client, catalogue):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=/"


def test_admin_sends_signed_out_people_to_our_sign_in_page(client):
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=/admin/pages/"


def test_documents_need_sign_in(client, clerk_client, settings, tmp_path):
    # Served from disk, as in production (the in-memory test storage has no real files).
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    document = Document.objects.create(
        title="Merkblatt", file=ContentFile(b"Merkblatt zum Termin", name="merkblatt.txt")
    )
    url = f"/documents/{document.pk}/{document.filename}"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN_URL}?next=")
    response = clerk_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Merkblatt zum Termin"


# --- Sign-out ------------------------------------------------------------------------


def test_sign_out_by_post_returns_to_sign_in_with_a_message(clerk_client):
    response = clerk_client.post("/konto/abmelden/", follow=True)
    assert response.redirect_chain[-1][0] == LOGIN_URL
    html = response.content.decode()
    assert "Sie wurden abgemeldet." in html
    assert _signed_in_user_id(clerk_client) is None


def test_sign_out_by_get_is_refused(clerk_client, clerk):
    assert clerk_client.get("/konto/abmelden/").status_code == 405
    assert _signed_in_user_id(clerk_client) == str(clerk.pk)


# --- Password change -----------------------------------------------------------------


def test_password_change_needs_sign_in(client):
    response = client.get("/konto/passwort/aendern/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_password_change(clerk, clerk_client, client):
    form = clerk_client.get("/konto/passwort/aendern/").content.decode()
    assert "Altes Passwort" in form
    wrong = clerk_client.post(
        "/konto/passwort/aendern/",
        {"old_password": "falsch", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert 'role="alert"' in wrong.content.decode()

    response = clerk_client.post(
        "/konto/passwort/aendern/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/konto/passwort/geaendert/"
    assert "Ihr Passwort wurde geändert." in response.content.decode()
    # Still signed in here (Django keeps the session), and the new password works elsewhere.
    assert _signed_in_user_id(clerk_client) == str(clerk.pk)
    assert not client.login(username=clerk.username, password=PASSWORD)
    assert client.login(username=clerk.username, password=NEW_PASSWORD)


def test_password_change_rejects_a_weak_password(clerk_client):
    response = clerk_client.post(
        "/konto/passwort/aendern/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "Dieses Passwort ist zu üblich." in response.content.decode()


# --- Password reset ------------------------------------------------------------------


def _reset_link(message) -> str:
    links = re.findall(r"https?://testserver(/konto/passwort/neu/[^/\s]+/[^/\s]+/)", message.body)
    # The same link in the German and the English part.
    assert len(links) == 2
    assert links[0] == links[1]
    return links[0]


def test_password_reset_flow(client):
    user = UserFactory(role=Role.CLERK, email="erika.muster@example.org")
    response = client.post("/konto/passwort/vergessen/", {"email": "Erika.Muster@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/konto/passwort/vergessen/gesendet/"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["erika.muster@example.org"]
    assert message.subject == (
        "Passwort zurücksetzen / Reset your password – Willkommensbehörde – Fortbildung"
    )
    body = message.body
    # German first, English below it, both naming the site and the user name.
    assert body.index("Guten Tag") < body.index("Hello")
    assert body.count("Willkommensbehörde – Fortbildung") >= 2
    assert f"Ihr Benutzername: {user.username}" in body
    assert f"Your user name: {user.username}" in body
    assert "innerhalb von 24 Stunden" in body
    assert "within 24 hours" in body

    link = _reset_link(message)
    # Django moves the token out of the address into the session before showing the form.
    response = client.get(link)
    assert response.status_code == 302
    form_url = response["Location"]
    page = client.get(form_url).content.decode()
    assert "Neues Passwort festlegen" in page

    response = client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/konto/passwort/neu/fertig/"
    assert "Ihr neues Passwort wurde gespeichert." in response.content.decode()

    fresh = client.__class__()
    response = fresh.post(LOGIN_URL, {"username": user.username, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert _signed_in_user_id(fresh) == str(user.pk)

    # The link works once only.
    used = client.get(link, follow=True).content.decode()
    assert "Dieser Link funktioniert nicht mehr" in used
    assert 'role="alert"' in used


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client):
    UserFactory(role=Role.CLERK, email="bekannt@example.org")
    known = client.post("/konto/passwort/vergessen/", {"email": "bekannt@example.org"})
    mail.outbox.clear()
    unknown = client.post("/konto/passwort/vergessen/", {"email": "unbekannt@example.org"})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert mail.outbox == []
    page = client.get(unknown["Location"]).content.decode()
    assert "Wenn die eingegebene Adresse zu einem Konto gehört" in page


def test_password_reset_mail_is_plain_text_without_html_escaping(client):
    UserFactory(role=Role.CLERK, first_name="Anna & Ben", email="ab@example.org")
    client.post("/konto/passwort/vergessen/", {"email": "ab@example.org"})
    body = mail.outbox[0].body
    assert "Guten Tag Anna & Ben" in body
    assert "&amp;" not in body


def test_password_reset_with_an_invalid_link(client):
    user = UserFactory(role=Role.CLERK)
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    html = client.get(f"/konto/passwort/neu/{uid}/abc-0123456789abcdef/").content.decode()
    assert "Dieser Link funktioniert nicht mehr" in html
    assert "Neuen Link anfordern" in html
    assert 'name="new_password1"' not in html


def test_password_reset_pages_in_english(client):
    _english(client)
    form = client.get("/konto/passwort/vergessen/").content.decode()
    assert "Reset password" in form
    assert "Send link" in form
    done = client.get("/konto/passwort/vergessen/gesendet/").content.decode()
    assert "If the address you entered belongs to an account" in done


def test_admin_sign_out_also_ends_on_our_sign_in_page(trainer_client):
    response = trainer_client.post("/admin/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert _signed_in_user_id(trainer_client) is None
