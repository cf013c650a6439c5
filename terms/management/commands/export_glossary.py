import os
import tempfile
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
        options = {"reviewers": with_reviewers, "progress": self.progress}
        if file is None:
            counts = export_glossary(
                lambda text: self.stdout.write(text, ending=""), **options
            )
        else:
            try:
                counts = write_whole(Path(file), export_glossary, **options)
            except OSError as error:
                reason = error.strerror or str(error)
                raise CommandError(f"Cannot write {file}: {reason}.") from error
        # Standard output, when it carries the file, carries nothing else.
        self.summary(
            f"Exported {amounts(counts)} to {file or 'standard output'} {self.took()}.",
            to_stderr=file is None,
        )


def write_whole(path: Path, export, **options):
    """Export into a new file beside `path`, which takes its place once the
    export is complete: an export that fails half-way leaves `path` as it
    was, not half-written."""
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".partial"
    )
    try:
        with open(descriptor, "w", encoding="utf-8") as out:
            result = export(out.write, **options)
        # mkstemp makes the file private; the export gets what a new file
        # gets (as open() would have made it).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return result
