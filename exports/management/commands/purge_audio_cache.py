"""Deletes cached speech clips that no term uses any more, or that were not used lately."""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exports.audio import AudioError, audio_cache_dir, audio_cache_purge, audio_clips_referenced


class Command(BaseCommand):
    help = (
        "Delete cached audio clips (MEDIA_ROOT/audio-cache) that no term references any more "
        "(a changed spoken text, a deleted term, a new espeak-ng release), and with --days N "
        "also those not used in an export or a review for N days. Clips are made again "
        "when next needed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            help="also delete clips unused for this many days (last use: an export or a review)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="only list what would be deleted"
        )

    def handle(self, *args, days=None, dry_run=False, **options) -> None:
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more")
        try:
            referenced = audio_clips_referenced()
        except AudioError as error:
            if days is None:
                raise CommandError(
                    f"Cannot tell which clips terms use ({error}); nothing deleted. "
                    "--days N still deletes clips unused for N days."
                ) from error
            self.stderr.write(f"Cannot tell which clips terms use ({error}): only --days applies.")
            referenced = None
        unused_before = None if days is None else time.time() - days * 86400
        result = audio_cache_purge(
            referenced=referenced, unused_before=unused_before, dry_run=dry_run
        )
        for name in result.deleted if dry_run else ():
            self.stdout.write(f"would delete {name}")
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {len(result.deleted)} file(s) from {audio_cache_dir()}; {result.kept} kept."
        )
