import re
import shutil
from pathlib import Path

import pytest

from courses.models import Term, TermTranslation
from exports import audio
from exports.anki import anki_deck_build
from exports.audio import (
    AudioError,
    audio_cache_dir,
    audio_engine_get,
    speech_clip_get,
    speech_clip_name,
    speech_synthesize,
)
from tests.exports.conftest import term_touch
from tests.factories import TermFactory

pytestmark = pytest.mark.django_db

needs_speech = pytest.mark.skipif(
    not (shutil.which("espeak-ng") and shutil.which("lame")),
    reason="espeak-ng and lame are installed from Debian in CI",
)

SOUND = re.compile(r"^\[sound:(wb-[0-9a-f]{32}\.mp3)\]$")


def _is_mp3(data: bytes) -> bool:
    return data[:3] == b"ID3" or (data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


@pytest.fixture
def synthesis_calls(monkeypatch):
    """Counts real syntheses (the cache must make a second export free of them)."""
    calls = []

    def counting(**kwargs):
        calls.append((kwargs["language"], kwargs["text"]))
        return speech_synthesize(**kwargs)

    monkeypatch.setattr(audio, "speech_synthesize", counting)
    return calls


@needs_speech
def test_clip_is_a_small_mono_mp3_named_by_hash(synthesis_calls):
    engine = audio_engine_get()
    path = speech_clip_get(text="die Aufenthaltserlaubnis", language="de", engine=engine)

    assert path.parent == audio_cache_dir()
    assert path.name == speech_clip_name(
        text="die Aufenthaltserlaubnis", language="de", engine=engine
    )
    assert re.fullmatch(r"wb-[0-9a-f]{32}\.mp3", path.name)
    data = path.read_bytes()
    assert _is_mp3(data)
    assert 500 < len(data) < 20_000
    assert synthesis_calls == [("de", "die Aufenthaltserlaubnis")]

    # The same words in another voice or other words give another clip.
    other_voice = speech_clip_name(text="die Aufenthaltserlaubnis", language="en", engine=engine)
    other_text = speech_clip_name(text="der Aufenthaltstitel", language="de", engine=engine)
    assert len({path.name, other_voice, other_text}) == 3


@needs_speech
def test_text_starting_with_a_dash_is_spoken_not_taken_for_an_option():
    mp3 = speech_synthesize(text="-v xx --help", language="de", engine=audio_engine_get())
    assert _is_mp3(mp3)


@needs_speech
def test_every_termbase_language_has_a_voice():
    engine = audio_engine_get()
    for language in ["de", "en", "ar", "uk", "ru", "tr", "fa"]:
        assert audio.speech_voice_available(language=language, engine=engine), language


@needs_speech
def test_deck_with_audio_brings_its_media_into_anki(anki_profile, synthesis_calls):
    term = TermFactory(key="aufenthg", term="AufenthG", article="", spoken_text="Aufenthaltsgesetz")
    translation = term.translations.get(language="ar")
    translation.spoken_text = "قانون الإقامة"
    translation.save()

    build = anki_deck_build(terms=[term], languages=["ar", "en"], audio=True)

    assert build.audio_available and build.audio_problems == []
    # German once (shared by both decks), Arabic and English once each.
    assert build.media_files == 3
    assert sorted(synthesis_calls) == [
        ("ar", "قانون الإقامة"),
        ("de", "Aufenthaltsgesetz"),
        ("en", "AufenthG (en)"),
    ]
    profile = anki_profile()
    profile.import_deck(build.content)
    media = profile.collection.media
    names = set()
    for key in ("aufenthg/ar", "aufenthg/en"):
        note = profile.note_by_key(key)
        for field in ("AudioGerman", "AudioTranslation"):
            name = SOUND.match(note[field]).group(1)
            names.add(name)
            assert media.have(name)
            assert _is_mp3((Path(media.dir()) / name).read_bytes())
    assert len(names) == 3
    card = profile.collection.get_card(profile.collection.find_cards("")[0])
    assert card.question_av_tags() and card.answer_av_tags()


@needs_speech
def test_second_export_reuses_the_cache(synthesis_calls):
    terms = [term_touch(TermFactory()), term_touch(TermFactory())]
    first = anki_deck_build(terms=terms, languages=["tr"], audio=True, direction="both")
    assert len(synthesis_calls) == 4
    # Inodes, not mtimes: each use refreshes a clip's mtime (purge_audio_cache --days),
    # while a rewritten clip would be a new file renamed into place.
    cached = {path: path.stat().st_ino for path in audio_cache_dir().glob("*.mp3")}
    assert len(cached) == 4

    again = anki_deck_build(terms=terms, languages=["tr"], audio=True, direction="both")

    assert len(synthesis_calls) == 4
    assert {path: path.stat().st_ino for path in audio_cache_dir().glob("*.mp3")} == cached
    assert again.content == first.content


@needs_speech
def test_corrected_spoken_text_gets_a_new_clip(synthesis_calls):
    term = term_touch(TermFactory(translated=False))
    TermTranslation.objects.create(term=term, language="uk", text="посвідка")
    anki_deck_build(terms=[term], languages=["uk"], audio=True)
    term.spoken_text = "Begriff, deutlich gesprochen"
    term.save()

    anki_deck_build(terms=Term.objects.all(), languages=["uk"], audio=True)

    assert synthesis_calls[-1] == ("de", "Begriff, deutlich gesprochen")
    assert len(synthesis_calls) == 3


def test_without_espeak_or_lame_the_deck_is_built_without_audio(
    monkeypatch, anki_profile, synthesis_calls
):
    real_which = shutil.which
    monkeypatch.setattr(
        audio.shutil, "which", lambda name: None if name == "lame" else real_which(name)
    )
    term = TermFactory()

    build = anki_deck_build(terms=[term], languages=["ru"], audio=True)

    assert not build.audio_available
    assert build.audio_reason == "lame not installed"
    assert build.media_files == 0
    assert "audio: none (lame not installed)" in build.summary_lines()
    assert synthesis_calls == []
    profile = anki_profile()
    profile.import_deck(build.content)
    note = profile.note_by_key(f"{term.key}/ru")
    assert note["AudioGerman"] == note["AudioTranslation"] == ""

    monkeypatch.setattr(audio.shutil, "which", lambda name: None)
    assert audio_engine_get().reason == "espeak-ng and lame not installed"
    with pytest.raises(AudioError, match="not installed"):
        speech_clip_get(text="Pass", language="de")


@needs_speech
def test_a_failing_voice_costs_only_its_own_sound(monkeypatch):
    monkeypatch.setitem(audio.VOICES, "fa", "no-such-voice")
    term = TermFactory()

    build = anki_deck_build(terms=[term], languages=["fa", "en"], audio=True)

    assert build.audio_available
    assert build.notes_written == 2
    assert build.media_files == 2  # German and English
    assert build.audio_problems == ["fa: espeak-ng has no voice for 'fa'"]


@needs_speech
def test_synthesis_failure_and_timeout_raise_audio_error(monkeypatch):
    engine = audio_engine_get()
    with pytest.raises(AudioError, match="espeak-ng failed"):
        audio._run([engine.espeak, "-v", "xx", "--stdout", "Pass"])
    monkeypatch.setattr(audio, "TIMEOUT_SECONDS", 0.01)
    with pytest.raises(AudioError, match="took longer"):
        audio._run(["/bin/sleep", "5"])
