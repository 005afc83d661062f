"""``manage.py purge_audio_cache``: clips no term uses, or unused for days, are deleted."""

import os
import shutil
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from courses.models import TermTranslation
from exports import audio
from exports.anki import anki_deck_build
from exports.audio import audio_cache_dir, speech_synthesize
from tests.factories import TermFactory

pytestmark = pytest.mark.django_db

needs_speech = pytest.mark.skipif(
    not (shutil.which("espeak-ng") and shutil.which("lame")),
    reason="espeak-ng and lame are installed from Debian in CI",
)


@pytest.fixture
def synthesis_calls(monkeypatch):
    calls = []

    def counting(**kwargs):
        calls.append((kwargs["language"], kwargs["text"]))
        return speech_synthesize(**kwargs)

    monkeypatch.setattr(audio, "speech_synthesize", counting)
    return calls


def _term(name: str):
    term = TermFactory(term=name, article="der", translated=False)
    TermTranslation.objects.create(term=term, language="en", text=f"{name} (en)")
    return term


def _clips() -> set[str]:
    return {path.name for path in audio_cache_dir().glob("*.mp3")}


def _purge(*args) -> str:
    out = StringIO()
    call_command("purge_audio_cache", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@needs_speech
def test_clips_no_term_uses_any_more_are_deleted_and_the_rest_stay_valid(synthesis_calls):
    kept, changed, deleted = _term("Pass"), _term("Visum"), _term("Antrag")
    anki_deck_build(terms=[kept, changed, deleted], languages=["en"], audio=True)
    before = _clips()
    assert len(before) == 6

    changed.spoken_text = "das Visum"
    changed.save()
    deleted.delete()
    report = _purge("--dry-run")
    assert _clips() == before  # a dry run deletes nothing
    assert "Would delete 3 file(s)" in report

    report = _purge()

    assert "Deleted 3 file(s)" in report and "3 kept" in report
    assert len(_clips()) == 3
    synthesis_calls.clear()
    build = anki_deck_build(terms=[kept, changed], languages=["en"], audio=True)
    # The kept clips are still the right ones; only the new spoken text is synthesised.
    assert synthesis_calls == [("de", "das Visum")]
    assert build.media_files == 4


@needs_speech
def test_with_days_clips_unused_that_long_go_and_exports_count_as_use():
    old, recent = _term("Pass"), _term("Visum")
    anki_deck_build(terms=[old, recent], languages=["en"], audio=True)
    long_ago = time.time() - 40 * 86400
    for path in audio_cache_dir().glob("*.mp3"):
        os.utime(path, (long_ago, long_ago))
    anki_deck_build(terms=[recent], languages=["en"], audio=True)  # uses its two clips

    assert "Deleted 0 file(s)" in _purge()  # all referenced
    report = _purge("--days", "30")

    assert "Deleted 2 file(s)" in report and "2 kept" in report
    build = anki_deck_build(terms=[recent], languages=["en"], audio=True)
    assert build.media_files == 2


def test_without_espeak_only_days_apply_and_half_written_files_go(monkeypatch):
    monkeypatch.setattr(audio.shutil, "which", lambda name: None)
    directory = audio_cache_dir()
    directory.mkdir(parents=True)
    long_ago = time.time() - 10 * 86400
    for name in ("wb-old.mp3", "wb-new.mp3", "x.part", "fresh.part", "README"):
        (directory / name).write_bytes(b"\xff\xfb")
    for name in ("wb-old.mp3", "x.part"):
        os.utime(directory / name, (long_ago, long_ago))

    with pytest.raises(CommandError, match=r"not installed.*nothing deleted"):
        _purge()
    assert len(list(directory.iterdir())) == 5

    report = _purge("--days", "7")

    assert "Deleted 2 file(s)" in report
    assert sorted(path.name for path in directory.iterdir()) == [
        "README",
        "fresh.part",
        "wb-new.mp3",
    ]


def test_negative_days_are_refused():
    with pytest.raises(CommandError, match="0 or more"):
        _purge("--days", "-1")
