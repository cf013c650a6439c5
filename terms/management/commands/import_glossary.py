import codecs
from contextlib import contextmanager
from typing import BinaryIO

from django.core.management.base import CommandError

from terms.exchange import ImportFailed, amounts, import_glossary
from terms.exchange.common import CREATED, UNCHANGED, UPDATED
from terms.management.base import ProgressCommand


class Command(ProgressCommand):
    help = (
        "Create or update the glossary records of a fixture (such as "
        "export_glossary writes), matched by natural key. Every record is "
        "checked before anything is written; then all of it is written, or "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A JSON fixture with natural keys.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change; write nothing.",
        )

    def handle(self, *args, file, dry_run=False, verbosity=1, **options):
        try:
            with self.opened(file) as binary:
                outcome = import_glossary(
                    binary,
                    dry_run=dry_run,
                    list_changes=verbosity > 1,
                    progress=self.progress,
                )
        except ImportFailed as failure:
            raise CommandError(
                "\n  ".join(
                    [
                        f"{file} was not imported; nothing was written. "
                        f"{len(failure.problems)} problem(s):",
                        *failure.problems,
                    ]
                )
            ) from failure
        for warning in outcome.warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        if verbosity == 0:
            return
        if dry_run:
            self.stdout.write(f"Dry run of {file}: nothing was written. It would make:")
        else:
            self.stdout.write(f"Imported {file}:")
        for line in outcome.summary():
            self.stdout.write(f"  {line}")
        if verbosity > 1:
            for line in outcome.changes:
                self.stdout.write(f"  {line}")
        records, totals = amounts(outcome.records()), outcome.totals()
        if dry_run:
            self.summary(
                f"Checked {records} {self.took()} ({totals[CREATED]:,} to create, "
                f"{totals[UPDATED]:,} to update, {totals[UNCHANGED]:,} unchanged); "
                "nothing was written."
            )
        else:
            self.summary(
                f"Imported {records} {self.took()} ({totals[CREATED]:,} created, "
                f"{totals[UPDATED]:,} updated, {totals[UNCHANGED]:,} unchanged)."
            )

    @contextmanager
    def opened(self, file: str):
        """The file, open, once it is known to be UTF-8 text; the reason it
        cannot be read names the file once (an OSError's message names it
        again, and a URL mangled)."""
        try:
            with open(file, "rb") as binary:
                if (start := utf8_problem(binary)) is not None:
                    raise CommandError(
                        f"Cannot read {file}: not UTF-8 text (at byte {start})."
                    )
                binary.seek(0)
                yield binary
        except OSError as error:
            reason = error.strerror or str(error)
            if "://" in file:
                reason += " (import_glossary reads a file, not a URL)"
            raise CommandError(f"Cannot read {file}: {reason}.") from error


def utf8_problem(binary: BinaryIO, size: int = 2**20) -> int | None:
    """Where the file stops being UTF-8, if it does: read a megabyte at a
    time, not whole."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    while True:
        chunk = binary.read(size)
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            # The decoder may hold back the end of the previous chunk.
            return offset + error.start - len(decoder.getstate()[0])
        if not chunk:
            return None
        offset += len(chunk)
