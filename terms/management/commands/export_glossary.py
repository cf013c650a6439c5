from pathlib import Path

from django.core.management.base import CommandError

from terms.exchange import amounts, export_glossary
from terms.management.base import ProgressCommand


class Command(ProgressCommand):
    help = (
        "Write the whole glossary as a fixture with natural keys, in a fixed "
        "order: the same content gives the same bytes. `loaddata` and "
        "`import_glossary` read it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", help="Where to write it (default: standard output)."
        )
        parser.add_argument(
            "--with-reviewers",
            action="store_true",
            help="Also write each term's reviewer as a username. Such a file "
            "loads with `loaddata` only where those users exist; "
            "`import_glossary` leaves unknown reviewers out, with a warning.",
        )

    def handle(self, *args, file=None, with_reviewers=False, **options):
        export = export_glossary(reviewers=with_reviewers, progress=self.progress)
        if file is None:
            self.stdout.write(export.text, ending="")
        else:
            try:
                Path(file).write_text(export.text, encoding="utf-8")
            except OSError as error:
                reason = error.strerror or str(error)
                raise CommandError(f"Cannot write {file}: {reason}.") from error
        # Standard output, when it carries the file, carries nothing else.
        self.summary(
            f"Exported {amounts(export.counts)} to {file or 'standard output'} "
            f"{self.took()}.",
            to_stderr=file is None,
        )
