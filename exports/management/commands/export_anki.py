"""Writes an Anki vocabulary deck (.apkg) of the termbase or part of it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from courses.languages import Language
from exports.anki import DIRECTIONS, DeckSelectionError, anki_deck_build, anki_terms_select


class Command(BaseCommand):
    help = (
        "Export published, non-retired terms as an Anki deck with one sub-deck per "
        "language, optionally narrowed to a course, module or topic."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="the .apkg file to write")
        parser.add_argument(
            "--lang",
            required=True,
            help=f"comma-separated language codes ({','.join(Language.values)})",
        )
        selection = parser.add_mutually_exclusive_group()
        selection.add_argument("--course", help="slug of a course page")
        selection.add_argument("--module", help="slug of a module page")
        selection.add_argument("--lesson", help="slug of a lesson page")
        selection.add_argument("--topic", help="slug of a termbase topic")
        parser.add_argument("--direction", choices=DIRECTIONS, default="de-x")
        parser.add_argument("--audio", action="store_true", help="add espeak-ng speech")
        parser.add_argument(
            "--include-retired",
            action="store_true",
            help="also export retired terms, tagged 'retired', for clerks updating a deck",
        )

    def handle(self, *args, **options) -> None:
        languages = [code.strip() for code in options["lang"].split(",") if code.strip()]
        unknown = [code for code in languages if code not in Language.values]
        if unknown or not languages:
            raise CommandError(
                f"Unknown language code(s): {', '.join(unknown) or '(none given)'}. "
                f"Known codes: {', '.join(Language.values)}."
            )
        try:
            terms = anki_terms_select(
                course=options["course"],
                module=options["module"],
                lesson=options["lesson"],
                topic=options["topic"],
                include_retired=options["include_retired"],
            )
        except DeckSelectionError as error:
            raise CommandError(str(error).capitalize() + ".") from error
        if not terms.exists():
            raise CommandError(f"No terms to export for {self._selection(options)}.")
        try:
            build = anki_deck_build(
                terms=terms,
                languages=languages,
                direction=options["direction"],
                audio=options["audio"],
            )
        except ValueError as error:
            raise CommandError(str(error).capitalize() + ".") from error

        out: Path = options["out"]
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(build.content)
        self.stdout.write(f"Wrote {out} ({len(build.content)} bytes)")
        for line in build.summary_lines():
            self.stdout.write(line)

    @staticmethod
    def _selection(options) -> str:
        for kind in ("course", "module", "lesson", "topic"):
            if options[kind]:
                return f"{kind} {options[kind]!r}"
        return "the termbase"
