"""Log retention: changes older than GLOSSARY_CHANGE_LOG_RETENTION_DAYS go
(`manage.py prune_changes`, from cron), and Pruning records how far, so the
sync feed can refuse a cursor that has missed some (410).

What goes is always a prefix of the log by `seq`: every change up to the
last one older than the retention, except each resource's latest (its
version). Then "the log holds every change after Pruning.seq" stays true
even if a clock stepped back and `changed_at` is not in `seq` order.
While webhook endpoints are active, nothing the outbox has still to
dispatch goes (terms/outbox/dispatch.py).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from terms.outbox.models import Dispatched, Endpoint

from . import versions
from .models import Change, Pruning


@dataclass(frozen=True)
class Pruned:
    count: int  # changes deleted by this run
    through: int  # every change up to this seq is gone but versions (Pruning.seq)


def prune(days: int) -> Pruned:
    """Delete the changes older than `days` days."""
    cutoff = timezone.now() - timedelta(days=days)
    # The deletion and the new Pruning.seq commit together, or a reader could
    # find the changes gone and its cursor still accepted. Holding the
    # writers' lock (versions.lock()) means no write is half-logged
    # meanwhile, and two prunes take turns.
    with transaction.atomic():
        versions.lock()
        due = Change.objects.filter(changed_at__lt=cutoff, seq__gt=Pruning.through())
        if Endpoint.objects.filter(active=True).exists():
            # Webhooks still to be dispatched need their changes.
            due = due.filter(seq__lte=Dispatched.objects.values("seq")[:1])
        through = due.aggregate(through=Max("seq"))["through"]
        if through is None:
            return Pruned(0, Pruning.through())
        # Each resource's latest change stays: it is the resource's version
        # (terms/changes/versions.py), which must never go back.
        latest = Change.objects.values("kind", "resource_id").annotate(seq=Max("seq"))
        pruned = Change.objects.filter(seq__lte=through).exclude(
            seq__in=latest.values("seq")
        )
        count, _ = pruned.delete()
        Pruning.objects.update_or_create(pk=1, defaults={"seq": through})
    return Pruned(count, through)
