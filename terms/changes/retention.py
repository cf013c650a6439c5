"""Log retention: changes older than GLOSSARY_CHANGE_LOG_RETENTION_DAYS go
(`manage.py prune_changes`, from cron), and Pruning records how far, so the
sync feed can refuse a cursor that has missed some (410).

What goes is always a prefix of the log by `seq`: every change up to the
last one older than the retention. Then "the log holds every change after
Pruning.seq" stays true even if a clock stepped back and `changed_at` is
not in `seq` order.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from .models import Change, Pruning

# The lock each write that logs holds until it commits (SERIALISE in
# triggers.py, where it is PL/pgSQL).
LOCK = "SELECT pg_advisory_xact_lock(hashtext('terms_change'))"


@dataclass(frozen=True)
class Pruned:
    count: int  # changes deleted by this run
    through: int  # every change up to this seq is gone (Pruning.seq)


def prune(days: int) -> Pruned:
    """Delete the changes older than `days` days."""
    cutoff = timezone.now() - timedelta(days=days)
    # The deletion and the new Pruning.seq commit together, or a reader could
    # find the changes gone and its cursor still accepted. Holding the
    # writers' lock (on SQLite, the write lock that IMMEDIATE transactions
    # take at once) means no write is half-logged meanwhile, and two prunes
    # take turns.
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(LOCK)
        through = Change.objects.filter(changed_at__lt=cutoff).aggregate(
            through=Max("seq")
        )["through"]
        if through is None:
            return Pruned(0, Pruning.through())
        count, _ = Change.objects.filter(seq__lte=through).delete()
        Pruning.objects.update_or_create(pk=1, defaults={"seq": through})
    return Pruned(count, through)
