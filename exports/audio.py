"""Speech for flashcards: espeak-ng reads a text aloud, lame turns it into a small MP3.

Clips are cached under ``MEDIA_ROOT/audio-cache`` by a hash of everything that shapes
the sound (voice, text, engine versions, encoder settings), so exporting the same deck
again never synthesises again, and a new espeak-ng release produces fresh clips instead
of mixing old and new ones. The cache is a plain directory rather than a table so that
exports stay read-only towards the database.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

from courses.models import Term, TermTranslation

# espeak-ng voice per language code (German plus the client languages of the termbase).
VOICES: dict[str, str] = {
    "de": "de",
    "en": "en",
    "ar": "ar",
    "uk": "uk",
    "ru": "ru",
    "tr": "tr",
    "fa": "fa",
}

# Part of the cache key: change it whenever the commands below change the sound.
PIPELINE_VERSION = "espeak-s150|lame-mono-24k|v1"
ESPEAK_ARGS = ["-s", "150"]
# Mono at 24 kbit/s keeps a spoken term at a few kilobytes; clerks sync decks to phones.
LAME_ARGS = ["--quiet", "-m", "m", "-b", "24"]
TIMEOUT_SECONDS = 30
CACHE_DIRNAME = "audio-cache"
_OTHER = re.compile(r"\((\S+) \d+\)")


class AudioError(Exception):
    """Speech could not be produced for one text."""


@dataclass(frozen=True)
class AudioEngine:
    """Whether speech can be produced here, and if not, why not."""

    espeak: str | None
    lame: str | None

    @property
    def available(self) -> bool:
        return bool(self.espeak and self.lame)

    @property
    def reason(self) -> str:
        programs = (("espeak-ng", self.espeak), ("lame", self.lame))
        missing = [name for name, path in programs if not path]
        if missing:
            return f"{' and '.join(missing)} not installed"
        return "espeak-ng and lame available"


def audio_engine_get() -> AudioEngine:
    """Looks the programs up on every call: installing them must not need a restart."""
    return AudioEngine(espeak=shutil.which("espeak-ng"), lame=shutil.which("lame"))


def _run(args: list[str], *, input_bytes: bytes | None = None) -> bytes:
    try:
        completed = subprocess.run(  # noqa: S603 - absolute program path, no shell
            args,
            input=input_bytes,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise AudioError(f"{Path(args[0]).name} took longer than {TIMEOUT_SECONDS} s") from error
    except OSError as error:
        raise AudioError(f"{Path(args[0]).name} could not be started: {error}") from error
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip()
        raise AudioError(f"{Path(args[0]).name} failed ({completed.returncode}): {message}")
    return completed.stdout


@cache
def _engine_version(espeak: str, lame: str) -> str:
    # Cached per process: asking both programs costs two subprocesses per clip otherwise.
    espeak_version = _run([espeak, "--version"]).decode("utf-8", "replace").strip()
    lame_version = _run([lame, "--version"]).decode("utf-8", "replace").splitlines()[0]
    return f"{espeak_version}|{lame_version}|{PIPELINE_VERSION}"


@cache
def _voice_installed(espeak: str, voice: str) -> bool:
    # espeak-ng lists voices by prefix ("no-such" lists Norwegian), so look for the code
    # itself in the language column or among the "(en 2)" other-language entries.
    listing = _run([espeak, f"--voices={voice}"]).decode("utf-8", "replace")
    for line in listing.splitlines()[1:]:
        columns = line.split()
        if len(columns) > 1 and (columns[1] == voice or voice in _OTHER.findall(line)):
            return True
    return False


def speech_voice_available(*, language: str, engine: AudioEngine | None = None) -> bool:
    """Whether espeak-ng has a voice for ``language`` (a code from ``VOICES``)."""
    engine = engine or audio_engine_get()
    voice = VOICES.get(language)
    if voice is None or not engine.available:
        return False
    return _voice_installed(engine.espeak, voice)


def _normalised(text: str) -> str:
    # espeak-ng treats a line break as a pause; one line also keeps the cache key stable.
    return " ".join(text.split())


def speech_clip_name(*, text: str, language: str, engine: AudioEngine) -> str:
    """The ASCII media file name of a clip: a hash of what shapes its sound."""
    version = _engine_version(engine.espeak, engine.lame)
    key = "\x1f".join([VOICES[language], _normalised(text), version])
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"wb-{digest}.mp3"


def speech_synthesize(*, text: str, language: str, engine: AudioEngine) -> bytes:
    """Reads ``text`` aloud in the voice for ``language`` and returns MP3 bytes."""
    if not engine.available:
        raise AudioError(engine.reason)
    voice = VOICES.get(language)
    if voice is None:
        raise AudioError(f"no voice configured for language {language!r}")
    # Text goes in on stdin, so a term starting with "-" is never taken for an option.
    wav = _run(
        [engine.espeak, "-v", voice, *ESPEAK_ARGS, "--stdout"],
        input_bytes=_normalised(text).encode("utf-8"),
    )
    if not wav:
        raise AudioError("espeak-ng produced no sound")
    return _run([engine.lame, *LAME_ARGS, "-", "-"], input_bytes=wav)


def audio_cache_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / CACHE_DIRNAME


class SpeechClips:
    """Clip lookups for one export: the engine's version, its voices and the cache
    directory are resolved once, and the directory is listed once, so a cached clip
    costs a hash and a set lookup (a deck of 10,000 notes looks up 15,000 clips)."""

    def __init__(self, engine: AudioEngine | None = None):
        self.engine = engine or audio_engine_get()
        self.directory = os.fspath(audio_cache_dir())
        self._version: str | None = None
        self._voices: dict[str, bool] = {}
        self._present: set[str] | None = None

    def path(self, *, text: str, language: str) -> str:
        """The cached MP3's path for ``text`` in ``language`` (see ``name``)."""
        return os.path.join(self.directory, self.name(text=text, language=language))

    def name(self, *, text: str, language: str) -> str:
        """The file name of the cached MP3 for ``text`` in ``language`` in ``directory``,
        synthesised only on a miss.

        Raises ``AudioError`` when the engine is missing, the voice is unknown or
        synthesis fails; the caller decides whether the export goes on without sound.
        """
        engine = self.engine
        if not engine.available:
            raise AudioError(engine.reason)
        spoken = _normalised(text)
        if not spoken:
            raise AudioError("nothing to speak")
        voice = self._voices.get(language)
        if voice is None:
            voice = self._voices[language] = speech_voice_available(
                language=language, engine=engine
            )
        if not voice:
            raise AudioError(f"espeak-ng has no voice for {language!r}")
        name = self.name_of(spoken=spoken, language=language)
        if self._present is None:
            try:
                self._present = set(os.listdir(self.directory))
            except FileNotFoundError:
                self._present = set()
        if name not in self._present:
            path = os.path.join(self.directory, name)
            # Not listed: maybe another export has made it since; synthesise only if not.
            if not os.path.exists(path):
                _clip_store(path, speech_synthesize(text=text, language=language, engine=engine))
            self._present.add(name)
        return name

    def name_of(self, *, spoken: str, language: str) -> str:
        """The clip's file name for normalised ``spoken`` text (it may not exist yet)."""
        if self._version is None:
            self._version = _engine_version(self.engine.espeak, self.engine.lame)
        key = "\x1f".join([VOICES[language], spoken, self._version])
        return f"wb-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.mp3"


def audio_clips_used(paths) -> None:
    """Marks clips as just used (their mtime), for ``audio_cache_purge(unused_days=...)``:
    access times are not kept on every file system."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError):  # purged meanwhile: made again on demand
            os.utime(path)


@dataclass
class AudioPurge:
    deleted: list[str]
    kept: int


def audio_cache_purge(
    *,
    referenced: set[str] | None = None,
    unused_before: float | None = None,
    dry_run: bool = False,
) -> AudioPurge:
    """Deletes the cached clips whose names are not in ``referenced`` (when given) or
    whose last use (mtime) is before the epoch time ``unused_before`` (when given), and
    leftovers of interrupted writes. Clips are made again on demand, so deleting one
    costs a synthesis, never a broken deck."""
    directory = audio_cache_dir()
    deleted, kept = [], 0
    if not directory.is_dir():
        return AudioPurge(deleted, kept)
    stale_part = time.time() - 3600
    for entry in sorted(os.scandir(directory), key=lambda entry: entry.name):
        if not entry.is_file():
            continue
        modified = entry.stat().st_mtime
        if entry.name.endswith(".part"):
            doomed = modified < stale_part
        elif entry.name.endswith(".mp3"):
            doomed = (referenced is not None and entry.name not in referenced) or (
                unused_before is not None and modified < unused_before
            )
        else:
            doomed = False
        if not doomed:
            kept += 1
            continue
        deleted.append(entry.name)
        if not dry_run:
            Path(entry.path).unlink(missing_ok=True)
    return AudioPurge(deleted, kept)


def _clip_store(path: str, mp3: bytes) -> None:
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    # Write beside the target and rename: a parallel export never reads half a file.
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(mp3)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def speech_clip_get(*, text: str, language: str, engine: AudioEngine | None = None) -> Path:
    """The cached MP3 for ``text`` in ``language``, synthesised only on a cache miss.

    Raises ``AudioError`` when the engine is missing, the voice is unknown or
    synthesis fails; the caller decides whether the export goes on without sound.
    """
    return Path(SpeechClips(engine).path(text=text, language=language))


def audio_clips_referenced(*, engine: AudioEngine | None = None) -> set[str]:
    """The names of the clips the termbase (retired terms included: update decks carry
    them) would use now: each term's German and each translation in its language."""
    clips = SpeechClips(engine)
    if not clips.engine.available:
        raise AudioError(clips.engine.reason)
    names = set()

    def add(text: str, language: str) -> None:
        spoken = _normalised(text)
        if spoken and language in VOICES:
            names.add(clips.name_of(spoken=spoken, language=language))

    for article, term, spoken_text in Term.objects.values_list("article", "term", "spoken_text"):
        add(spoken_text or (f"{article} {term}" if article else term), "de")  # Term.spoken
    for language, text, spoken_text in TermTranslation.objects.values_list(
        "language", "text", "spoken_text"
    ):
        add(spoken_text or text, language)
    return names


def term_spoken_text(*, term, language: str) -> str:
    """What a card reads aloud for ``term`` in ``language`` ("de" for the German side):
    the spoken text where one is set, as in the Anki export. Empty when the term has no
    translation into ``language``."""
    if language == "de":
        return term.spoken
    translation = term.translations_by_language.get(language)
    if translation is None:
        return ""
    return translation.spoken_text or translation.text
