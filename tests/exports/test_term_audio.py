"""The spoken term on the review page: served as MP3 by exports, made on demand, cached."""

import shutil

import pytest
from django.urls import reverse

from courses.models import Term, TermTranslation
from exports import audio
from exports.audio import audio_cache_dir, speech_synthesize
from tests.factories import TermFactory
from training.models import VocabularyCard
from training.vocabulary import vocabulary_deck_ensure

pytestmark = pytest.mark.django_db

needs_speech = pytest.mark.skipif(
    not (shutil.which("espeak-ng") and shutil.which("lame")),
    reason="espeak-ng and lame are installed from Debian in CI",
)

REVIEW_URL = "/vokabeln/lernen/karten/"


def _url(term, language):
    return reverse("exports:audio", args=[term.pk, language])


def _is_mp3(data: bytes) -> bool:
    return data[:3] == b"ID3" or (data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


@pytest.fixture
def synthesis_calls(monkeypatch):
    calls = []

    def counting(**kwargs):
        calls.append((kwargs["language"], kwargs["text"]))
        return speech_synthesize(**kwargs)

    monkeypatch.setattr(audio, "speech_synthesize", counting)
    return calls


@needs_speech
def test_german_term_is_spoken_from_its_spoken_text_once_then_from_the_cache(
    clerk_client, synthesis_calls, django_assert_num_queries
):
    term = TermFactory(term="AufenthG-Bescheinigung", spoken_text="Aufenthaltsgesetz Bescheinigung")

    with django_assert_num_queries(4):  # session, user, term, its translations
        response = clerk_client.get(_url(term, "de"))
    first = b"".join(response.streaming_content)
    again = b"".join(clerk_client.get(_url(term, "de")).streaming_content)

    assert response.status_code == 200
    assert response["Content-Type"] == "audio/mpeg"
    assert "private" in response["Cache-Control"]
    assert _is_mp3(first) and 500 < len(first) < 60_000
    assert again == first
    assert synthesis_calls == [("de", "Aufenthaltsgesetz Bescheinigung")]
    assert len(list(audio_cache_dir().glob("*.mp3"))) == 1


@needs_speech
def test_translation_is_spoken_in_its_language(clerk_client, synthesis_calls):
    term = TermFactory()
    TermTranslation.objects.filter(term=term, language="ar").update(
        text="تصريح إقامة", spoken_text="تصريح الإقامة"
    )

    response = clerk_client.get(_url(term, "ar"))

    assert response.status_code == 200
    assert _is_mp3(b"".join(response.streaming_content))
    assert synthesis_calls == [("ar", "تصريح الإقامة")]


@pytest.mark.parametrize("case", ["retired", "untranslated", "unknown-language", "no-term"])
def test_nothing_to_speak_is_404_and_synthesises_nothing(clerk_client, synthesis_calls, case):
    term = TermFactory(retired=case == "retired")
    if case == "untranslated":
        TermTranslation.objects.filter(term=term, language="fa").delete()
    language = {"unknown-language": "xx"}.get(case, "fa" if case == "untranslated" else "de")
    url = _url(term, language)
    if case == "no-term":
        url = _url(Term(pk=term.pk + 1000), "de")

    assert clerk_client.get(url).status_code == 404
    assert synthesis_calls == []


def test_sign_in_required(client, synthesis_calls):
    term = TermFactory()

    response = client.get(_url(term, "de"))

    assert response.status_code == 302
    assert "/konto/anmelden/" in response["Location"]
    assert synthesis_calls == []


def test_without_espeak_the_clip_is_503_and_the_review_page_still_works(
    clerk, clerk_client, monkeypatch
):
    monkeypatch.setattr(audio.shutil, "which", lambda name: None)
    term = TermFactory()
    vocabulary_deck_ensure(user=clerk, terms=[term], language="en", direction="de-x")

    clip = clerk_client.get(_url(term, "de"))
    page = clerk_client.get(REVIEW_URL + "?show=1")

    assert clip.status_code == 503
    assert "espeak-ng and lame not installed" in clip.content.decode()
    assert page.status_code == 200
    assert term.with_article in page.content.decode()


def test_review_card_links_the_spoken_front_and_back(clerk, clerk_client):
    term = TermFactory(term="Duldung", article="die")
    vocabulary_deck_ensure(user=clerk, terms=[term], language="uk", direction="x-de")
    assert VocabularyCard.objects.filter(user=clerk).count() == 1

    front = clerk_client.get(REVIEW_URL).content.decode()
    both = clerk_client.get(REVIEW_URL + "?show=1").content.decode()

    # Front: the translation (x-de card); back: the German term.
    assert f'href="{_url(term, "uk")}" data-review-audio' in front
    assert both.count("data-review-audio>") == 2
    assert f'href="{_url(term, "de")}" data-review-audio' in both
