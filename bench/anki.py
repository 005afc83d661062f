"""``make bench``, Anki part: exporting 10,000 notes through ``exports.anki``.

Measured in the benchmark process against the bench database (``bench/run.py`` has
migrated it and loaded the demo termbase):

1. 5,000 synthetic terms (``bench-anki-…``) with Arabic and Ukrainian translations are
   added, copied round-robin from the demo termbase, so two languages give 10,000 notes
   and both directions 20,000 cards;
2. **export vs genanki**: ``anki_deck_build`` (reading the terms from PostgreSQL,
   escaping, building the notes, writing the package, making it byte-identical) against
   genanki alone writing the same notes, fields prepared beforehand, to a file and
   reading it back; alternated, the median of the rounds. Peak memory of each is
   measured in a separate run under ``tracemalloc`` (Python allocations only: SQLite's
   and zlib's own buffers are not counted), so that tracing does not slow the timed runs;
3. **audio, all cached**: one export with audio fills the clip cache (espeak-ng + lame),
   then exports with and without audio alternate. The spoken texts repeat with the demo
   terms they are copied from, so the 10,000 notes share the demo termbase's clips
   (synthesising 15,000 distinct clips would take a quarter of an hour on 2 cores);
   every note still looks its clips up in the cache, and the package carries each clip
   once.

The figures go into their own section of ``docs/benchmarks.md``; a run of only this
part (``bench/run.py --only anki``) replaces that section and keeps the rest.
"""

from __future__ import annotations

import gc
import html
import statistics
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

NOTES = 10_000
LANGUAGES = ["ar", "uk"]
PREFIX = "bench-anki-"
ROUNDS = 5
EXPORT_GOAL = 1.5
AUDIO_GOAL = 1.2
BEGIN = "<!-- bench/anki.py: begin -->"
END = "<!-- bench/anki.py: end -->"


@dataclass
class AnkiResult:
    terms: int = 0
    notes: int = 0
    cards: int = 0
    package_bytes: int = 0
    ours_seconds: list[float] = field(default_factory=list)
    genanki_seconds: list[float] = field(default_factory=list)
    ours_peak: int = 0
    genanki_peak: int = 0
    audio_reason: str = ""
    audio_clips: int = 0
    audio_package_bytes: int = 0
    audio_fill_seconds: float = 0.0
    plain_seconds: list[float] = field(default_factory=list)
    audio_seconds: list[float] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)  # median CPU seconds by label

    @property
    def export_ratio(self) -> float:
        return statistics.median(self.ours_seconds) / statistics.median(self.genanki_seconds)

    @property
    def memory_ratio(self) -> float:
        return self.ours_peak / self.genanki_peak if self.genanki_peak else 0.0

    def cpu_ratio(self, label: str, against: str) -> str:
        if label not in self.cpu or not self.cpu.get(against):
            return "–"
        return f"{self.cpu[label] / self.cpu[against]:.2f}"

    @property
    def audio_ratio(self) -> float:
        if not self.audio_seconds:
            return float("nan")
        return statistics.median(self.audio_seconds) / statistics.median(self.plain_seconds)


def terms_create(count: int) -> None:
    """``count`` terms copied from demo terms translated into all of ``LANGUAGES``."""
    from courses.models import Term, TermTranslation

    sources = [
        term
        for term in Term.objects.active().with_translations().order_by("key")
        if all(
            term.translations_by_language.get(code) and term.translations_by_language[code].text
            for code in LANGUAGES
        )
    ]
    if not sources:
        raise RuntimeError("The demo termbase has no term translated into ar and uk.")
    Term.objects.filter(key__startswith=PREFIX).delete()
    terms = []
    for number in range(count):
        source = sources[number % len(sources)]
        terms.append(
            Term(
                key=f"{PREFIX}{number:05d}",
                term=f"{source.term} {number}",
                article=source.article,
                plural=source.plural,
                explanation=source.explanation,
                example=source.example,
                spoken_text=source.spoken,
                legal_reference=source.legal_reference,
                topic_id=source.topic_id,
                level=source.level,
            )
        )
    created = Term.objects.bulk_create(terms, batch_size=1000)
    translations = []
    for number, term in enumerate(created):
        source = sources[number % len(sources)]
        for code in LANGUAGES:
            original = source.translations_by_language[code]
            translations.append(
                TermTranslation(
                    term=term,
                    language=code,
                    text=original.text,
                    example=original.example,
                    spoken_text=original.spoken_text,
                )
            )
    TermTranslation.objects.bulk_create(translations, batch_size=2000)


def _terms():
    from courses.models import Term

    return Term.objects.filter(key__startswith=PREFIX)


def ours(*, audio: bool = False):
    from exports.anki import anki_deck_build

    return anki_deck_build(terms=_terms(), languages=LANGUAGES, direction="both", audio=audio)


def prepared_notes() -> list[tuple[str, list[tuple[list[str], list[str], tuple[str, ...]]]]]:
    """Per language deck: the notes' fields, tags and GUID keys, computed once, untimed,
    so that the genanki run pays for nothing but genanki (``guid_for`` included)."""
    from courses.languages import text_direction
    from exports.anki import DECK_ROOT, FIELDS, VOCABULARY_KIND, language_deck_name

    def text(value: str) -> str:
        return html.escape(value.strip()).replace("\r\n", "\n").replace("\n", "<br>")

    terms = sorted(_terms().with_translations(), key=lambda term: term.key)
    decks = []
    for code in LANGUAGES:
        notes = []
        for term in terms:
            translation = term.translations_by_language[code]
            values = {
                "Key": text(f"{term.key}/{code}"),
                "German": text(term.with_article),
                "Plural": text(term.plural),
                "Explanation": text(term.explanation),
                "Example": text(term.example),
                "Translation": text(translation.text),
                "TranslationExample": text(translation.example),
                "Language": code,
                "TextDirection": text_direction(code),
                "LegalReference": text(term.legal_reference),
                "CardGermanFirst": "y",
                "CardTranslationFirst": "y",
            }
            tags = sorted(
                [f"level::{term.level}", f"language::{code}"]
                + ([f"topic::{term.topic.slug}"] if term.topic_id else [])
            )
            notes.append(
                (
                    [values.get(name, "") for name in FIELDS],
                    tags,
                    (term.key, code, VOCABULARY_KIND),
                )
            )
        decks.append((language_deck_name(deck_name=DECK_ROOT, language=code), notes))
    return decks


def genanki_alone(decks, *, timestamp: int) -> bytes:
    """genanki writing ``decks`` the plain way: notes, package, file, bytes."""
    import genanki

    from exports.anki import MODEL_ID_KEY, MODEL_NAME, TEMPLATES, stable_id

    from exports.anki import CSS, FIELDS  # isort: skip

    model = genanki.Model(
        stable_id(MODEL_ID_KEY),
        MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=TEMPLATES,
        css=CSS,
    )
    packaged = []
    for name, notes in decks:
        deck = genanki.Deck(stable_id(name), name)
        for fields, tags, guid_key in notes:
            guid = genanki.guid_for(*guid_key)
            deck.add_note(genanki.Note(model=model, fields=fields, tags=tags, guid=guid))
        packaged.append(deck)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "deck.apkg"
        genanki.Package(packaged).write_to_file(str(path), timestamp=timestamp)
        return path.read_bytes()


CPU: dict[str, list[float]] = {}


def _timed(function, *args, label: str = "", **kwargs) -> tuple[float, object]:
    """Wall time of one call; its CPU time (this process) is kept under ``label``: on
    2 shared cores, CPU time shows the same ratio with less noise from other load."""
    gc.collect()
    started, cpu = time.perf_counter(), time.process_time()
    value = function(*args, **kwargs)
    if label:
        CPU.setdefault(label, []).append(time.process_time() - cpu)
    return time.perf_counter() - started, value


def _peak(function, *args, **kwargs) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        function(*args, **kwargs)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(log) -> AnkiResult:
    from exports.audio import audio_engine_get

    result = AnkiResult()
    log(f"anki: creating {NOTES // len(LANGUAGES):,} terms")
    terms_create(NOTES // len(LANGUAGES))
    result.terms = _terms().count()
    decks = prepared_notes()

    log("anki: warm-up")
    build = ours()
    result.notes, result.cards = build.notes_written, build.cards_written
    result.package_bytes = len(build.content)
    if result.notes != sum(len(notes) for _name, notes in decks):
        raise RuntimeError("our export and the genanki run do not write the same notes")
    timestamp = build.timestamp
    genanki_alone(decks, timestamp=timestamp)

    for round_ in range(ROUNDS):
        seconds, _build = _timed(ours, label="ours")
        result.ours_seconds.append(seconds)
        seconds, _content = _timed(genanki_alone, decks, timestamp=timestamp, label="genanki")
        result.genanki_seconds.append(seconds)
        log(
            f"anki: round {round_ + 1}: ours {result.ours_seconds[-1]:.2f} s, "
            f"genanki {result.genanki_seconds[-1]:.2f} s"
        )
    result.ours_peak = _peak(ours)
    result.genanki_peak = _peak(genanki_alone, decks, timestamp=timestamp)
    log(f"anki: peak memory ours {result.ours_peak:,} B, genanki {result.genanki_peak:,} B")

    engine = audio_engine_get()
    result.audio_reason = engine.reason
    if engine.available:
        log("anki: filling the audio cache (first export with audio)")
        result.audio_fill_seconds, build = _timed(ours, audio=True)
        result.audio_clips = build.media_files
        result.audio_package_bytes = len(build.content)
        for round_ in range(ROUNDS):
            seconds, _build = _timed(ours, label="plain")
            result.plain_seconds.append(seconds)
            seconds, _build = _timed(ours, audio=True, label="audio")
            result.audio_seconds.append(seconds)
            log(
                f"anki: round {round_ + 1}: without audio {result.plain_seconds[-1]:.2f} s, "
                f"with cached audio {result.audio_seconds[-1]:.2f} s"
            )
    _terms().delete()
    result.cpu = {label: statistics.median(values) for label, values in CPU.items()}
    return result


def _check(value: float, goal: float) -> str:
    if value != value:
        return "not measured"
    return f"**{value:.2f}** {'✓' if value <= goal else '✗'}"


def _seconds(values: list[float]) -> str:
    return " / ".join(f"{value:.2f}" for value in values)


def section(result: AnkiResult) -> str:
    median = statistics.median
    if result.audio_seconds:
        audio_rows = f"""| export without audio | {median(result.plain_seconds):.2f} | {_seconds(result.plain_seconds)} |
| export with audio, all cached ({result.audio_clips} clips, {result.audio_package_bytes:,} bytes) | {median(result.audio_seconds):.2f} | {_seconds(result.audio_seconds)} |"""  # noqa: E501
        audio_note = (
            f"The first export with audio, synthesising the {result.audio_clips} clips, "
            f"took {result.audio_fill_seconds:.1f} s."
        )
    else:
        audio_rows = "| export with audio | – | not measured |"
        audio_note = f"Audio not measured: {result.audio_reason}."
    return f"""{BEGIN}
## Anki export (`bench/anki.py`)

{result.terms:,} synthetic terms copied from the demo termbase, exported in
{len(LANGUAGES)} languages ({", ".join(LANGUAGES)}) and both directions:
{result.notes:,} notes, {result.cards:,} cards, {result.package_bytes:,} bytes of package.
Times are the median of {ROUNDS} alternating rounds in the benchmark process.

- **ours**: `exports.anki.anki_deck_build` as the download, the task and `export_anki`
  call it: reading the terms and translations from PostgreSQL, escaping, notes,
  package, byte-identical zip.
- **genanki alone**: genanki writing the same notes (fields and tags prepared
  beforehand, untimed; GUIDs from `genanki.guid_for` as genanki's guide does it) to a
  file, read back into memory.
- Peak memory: `tracemalloc` (Python allocations; SQLite's and zlib's own buffers are not
  counted), each in its own untimed run.

| export | median s | rounds s |
|---|---:|---:|
| ours | {median(result.ours_seconds):.2f} | {_seconds(result.ours_seconds)} |
| genanki alone | {median(result.genanki_seconds):.2f} | {_seconds(result.genanki_seconds)} |
{audio_rows}

| | ours | genanki alone | ratio | CPU time ratio | goal |
|---|---:|---:|---:|---:|---:|
| time | {median(result.ours_seconds):.2f} s | {median(result.genanki_seconds):.2f} s | {_check(result.export_ratio, EXPORT_GOAL)} | {result.cpu_ratio("ours", "genanki")} | ≤ {EXPORT_GOAL} |
| peak memory | {result.ours_peak / 2**20:.1f} MiB | {result.genanki_peak / 2**20:.1f} MiB | {_check(result.memory_ratio, EXPORT_GOAL)} | | ≤ {EXPORT_GOAL} |
| with cached audio / without | | | {_check(result.audio_ratio, AUDIO_GOAL)} | {result.cpu_ratio("audio", "plain")} | ≤ {AUDIO_GOAL} |

The goals are judged on the median wall times; the CPU time of the benchmark process
(`time.process_time`, medians of the same rounds; PostgreSQL's own work not included)
is shown beside them because other processes on the 2 cores make wall times noisy.

{audio_note} The spoken texts repeat with the demo terms the synthetic ones are copied
from, so the notes share the demo termbase's clips: each note still looks up its clips in
the cache, but the package holds {result.audio_clips} clips rather than one or two per
note.
{END}
"""  # noqa: E501


def report_write(path: Path, text: str) -> None:
    """Replaces this part's section of ``path`` (or appends it), leaving the rest."""
    existing = path.read_text() if path.exists() else "# Benchmarks\n"
    if BEGIN in existing and END in existing:
        before, _rest = existing.split(BEGIN, 1)
        _old, after = _rest.split(END, 1)
        updated = before + text.rstrip("\n") + after
    else:
        updated = existing.rstrip("\n") + "\n\n" + text
    path.write_text(updated)


def run(report: Path, log) -> AnkiResult:
    result = measure(log)
    report_write(report, section(result))
    log(
        f"anki: export {result.export_ratio:.2f} of genanki, "
        f"cached audio {result.audio_ratio:.2f} of no audio; wrote {report}"
    )
    return result
