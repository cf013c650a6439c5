from pathlib import Path

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
        text = self.read(file)
        try:
            outcome = import_glossary(text, dry_run=dry_run, progress=self.progress)
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

    def read(self, file: str) -> str:
        """The file's text; the reason it cannot be read names the file once
        (an OSError's message names it again, and a URL mangled)."""
        try:
            return Path(file).read_text(encoding="utf-8")
        except OSError as error:
            reason = error.strerror or str(error)
            if "://" in file:
                reason += " (import_glossary reads a file, not a URL)"
            raise CommandError(f"Cannot read {file}: {reason}.") from error
        except UnicodeDecodeError as error:
            raise CommandError(
                f"Cannot read {file}: not UTF-8 text (at byte {error.start})."
            ) from error
