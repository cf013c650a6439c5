from django.conf import settings

from terms.changes.retention import prune
from terms.management.base import BaseCommand
from terms.outbox import retention as outbox


class Command(BaseCommand):
    help = (
        "Delete the change log's entries older than "
        "GLOSSARY_CHANGE_LOG_RETENTION_DAYS, and the webhook deliveries and "
        "CDN purges sent before then; run it daily from cron. Sync cursors "
        "from before them then answer 410."
    )

    def handle(self, *args, verbosity, **options):
        days = settings.GLOSSARY_CHANGE_LOG_RETENTION_DAYS
        pruned = prune(days)
        sent = outbox.prune(days)
        if verbosity == 0:
            return
        if sent:
            self.stdout.write(f"Pruned {sent} webhook deliveries and CDN purges.")
        if pruned.count:
            changes = "change" if pruned.count == 1 else "changes"
            self.stdout.write(
                f"Pruned {pruned.count} {changes} older than {days} days, up to "
                f"change {pruned.through}."
            )
        else:
            self.stdout.write(f"Nothing to prune: no change is older than {days} days.")
