from django.core.management.base import CommandError

from terms.generate import NotGenerated, generate
from terms.management.base import ProgressCommand


class Command(ProgressCommand):
    help = (
        "Fill the database with a synthetic glossary for benchmarks: the same "
        "seed always gives the same content."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--terms", type=int, default=1000, help="How many terms (default 1000)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed (default 1)."
        )
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Delete every term, source and category first: refused when "
            "any of them is not generated content, unless --force.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="With --clear, delete the glossary even if it is not generated.",
        )

    def handle(self, *args, terms, seed, clear, force, **options):
        if terms < 1:
            raise CommandError("--terms must be at least 1.")
        try:
            made = generate(
                terms, seed, replace=clear, force=force, progress=self.progress
            )
        except NotGenerated as error:
            raise CommandError(
                f"{error} Nothing was deleted. Add --force to delete it anyway."
            ) from error
        except ValueError as error:
            raise CommandError(f"{error} Add --clear to replace them.") from error
        self.summary(
            f"Generated {made.terms:,} terms ({made.published:,} published, "
            f"{made.reviewed:,} reviewed), {made.aliases:,} aliases, "
            f"{made.sources:,} sources, {made.citations:,} citations "
            f"({made.further_reading:,} further reading), {made.see_also:,} "
            f"see-also links and {made.categories:,} categories {self.took()}."
        )
