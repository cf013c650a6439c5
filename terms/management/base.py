"""What the project's management commands share. Each one subclasses
BaseCommand or ProgressCommand here (loaddata, which extends Django's, takes
the mixins)."""

import sys
import time

from django.core.management import base

from terms import progress


class OptionsInFull:
    """Options must be spelled in full. argparse would otherwise take
    `--term 50` for `--terms 50` and `--dry` for `--dry-run`: a typo in a
    cron line then runs something else than was meant, and an option added
    later can change what an old abbreviation means. The parser is made
    here, so Django's own options (`--verbosity`, `--settings`…) follow."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(
            prog_name, subcommand, **{**kwargs, "allow_abbrev": False}
        )


class ShowsProgress(OptionsInFull):
    """A long command: it shows its progress on standard error while it
    runs (terms/progress.py), then prints a one-line summary of what it did
    and how long it took. --quiet, like --verbosity 0, shows neither;
    warnings and errors still go to standard error."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "-q",
            "--quiet",
            action="store_true",
            help="Show no progress and no summary (as --verbosity 0); warnings "
            "and errors still go to standard error.",
        )
        parser.add_argument(
            "--progress-interval",
            type=float,
            default=progress.INTERVAL,
            metavar="SECONDS",
            help="When standard error is not a terminal (cron, CI), print a "
            "progress line this often instead of a bar (default "
            f"{progress.INTERVAL:g}).",
        )
        return parser

    def execute(self, *args, **options):
        if options.get("quiet"):
            options["verbosity"] = 0
        self.quiet = options.get("verbosity", 1) == 0
        interval = options.get("progress_interval", progress.INTERVAL)
        if interval < 0:
            raise base.CommandError("--progress-interval cannot be negative.")
        self.started = time.monotonic()
        self.progress = progress.shown_on(
            # The stream itself: Django's OutputWrapper ends every write
            # with a newline, which would break a bar redrawn with "\r".
            options.get("stderr") or sys.stderr,
            quiet=self.quiet,
            interval=interval,
        )
        return super().execute(*args, **options)

    def took(self) -> str:
        """'in 3.2 s': the time since the command started."""
        return f"in {progress.duration(time.monotonic() - self.started)}"

    def summary(self, line: str, *, to_stderr: bool = False):
        """The command's last line (standard error when standard output
        carries data), unless it is quiet."""
        if not self.quiet:
            (self.stderr if to_stderr else self.stdout).write(line)


class BaseCommand(OptionsInFull, base.BaseCommand):
    pass


class ProgressCommand(ShowsProgress, base.BaseCommand):
    pass
