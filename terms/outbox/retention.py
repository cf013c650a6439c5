"""What was sent is kept for the admin as long as the change log keeps its
changes (GLOSSARY_CHANGE_LOG_RETENTION_DAYS): `manage.py prune_changes`
deletes older deliveries and purges that are done or failed."""

from datetime import timedelta

from django.utils import timezone

from .models import Delivery, Outgoing, Purge


def prune(days: int) -> int:
    """Delete what was sent or given up more than `days` days ago."""
    cutoff = timezone.now() - timedelta(days=days)
    count = 0
    for model in (Delivery, Purge):
        old = model.objects.filter(created_at__lt=cutoff).exclude(
            status=Outgoing.Status.PENDING
        )
        count += old.delete()[0]
    return count
