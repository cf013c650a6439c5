from terms.changes import documents
from terms.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Build the stored documents of published terms that are missing or "
        "out of date. Reads build them too, one at a time; run this after a "
        "bulk change made in SQL, and daily (cron), so that review states "
        "turn on time and the sync feed lists them."
    )

    def handle(self, *args, **options):
        built = documents.build_stale()
        if options["verbosity"]:
            self.stdout.write(f"Built {built} stored document(s).")
