from django.core.management.base import CommandError

from terms.management.base import BaseCommand
from terms.review import ReviewState
from terms.review_report import as_json, as_table, report


class Command(BaseCommand):
    help = "List published terms that are overdue for review or never reviewed."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument(
            "--fail-if-overdue",
            action="store_true",
            help="Exit with status 1 when any published term is overdue.",
        )

    def handle(self, *args, format, fail_if_overdue, **options):
        rows = report()
        self.stdout.write(as_json(rows) if format == "json" else as_table(rows))
        overdue = sum(1 for row in rows if row.state == ReviewState.OVERDUE)
        if fail_if_overdue and overdue:
            raise CommandError(f"{overdue} published term(s) overdue for review.")
