"""From the change log to the outbox: each public change becomes a
delivery for every active endpoint that subscribes to its event, and its
resource's surrogate keys a purge.

The change log is the outbox's source: its rows commit in the change's own
transaction (database triggers, terms/changes/triggers.py), whoever writes,
so a rolled-back change has none and sends nothing. Dispatching reads the
log after Dispatched.seq as the sync feed does (terms/changes/feed.py),
records the deliveries and the purge, and moves Dispatched.seq in one
transaction: a committed change is dispatched exactly once, even if the
worker is killed halfway.
"""

import json
import logging

from django.conf import settings
from django.db import transaction

from terms.api.sync import rendered
from terms.changes import documents, feed, keys
from terms.changes.models import Change
from terms.models import Term

from .models import Delivery, Dispatched, Endpoint, Purge

logger = logging.getLogger(__name__)
PAGE = 100


def dispatch(limit: int = PAGE) -> int:
    """Dispatch up to `limit` changes; returns how many were read."""
    with transaction.atomic():
        position, _ = Dispatched.objects.select_for_update().get_or_create(
            pk=1, defaults={"seq": 0}
        )
        try:
            page = feed.read(feed.Cursor(position.seq), limit)
        except (feed.Expired, feed.BadCursor):
            return overtaken(position)
        if not page.entries:
            return 0
        endpoints = list(Endpoint.objects.filter(active=True))
        if endpoints:  # with none, no document needs rendering
            Delivery.objects.bulk_create(deliveries(page, endpoints, position.seq))
        purged = [
            key
            for entry in page.entries
            for key in keys.changed(entry["kind"], entry["resource_id"])
        ]
        Purge.objects.create(seq=page.next_cursor.seq, keys=list(dict.fromkeys(purged)))
        position.seq = page.next_cursor.seq
        position.save(update_fields=["seq"])
        return len(page.entries)


def deliveries(page: feed.Page, endpoints: list[Endpoint], before: int):
    """Each entry of `page`, for each endpoint that wants its event."""
    context = {"request": documents.Origin(settings.GLOSSARY_PUBLIC_URL)}
    for entry, shown in zip(page.entries, rendered(page.entries, context), strict=True):
        event = event_of(entry, shown, before)
        body = json.dumps(payload(entry, shown, event), ensure_ascii=False)
        for endpoint in endpoints:
            if endpoint.wants(event) and endpoint.since < entry["seq"]:
                yield Delivery(
                    endpoint=endpoint,
                    seq=entry["seq"],
                    event=event,
                    kind=entry["kind"],
                    resource_id=entry["resource_id"],
                    key=entry["key"],
                    body=body,
                )


def overtaken(position: Dispatched) -> int:
    """The log was pruned past the outbox (a worker stopped for longer than
    GLOSSARY_CHANGE_LOG_RETENTION_DAYS), or is behind it (a database restored
    from an older copy): what changed is unknown, so every cached response
    is purged, and dispatching goes on from now."""
    head = feed.head()
    logger.warning(
        "The change log was pruned past the outbox (at %s, now %s): "
        "purging everything; webhooks for the changes in between are lost.",
        position.seq,
        head,
    )
    Purge.objects.create(seq=head, keys=["*"])
    position.seq = head
    position.save(update_fields=["seq"])
    return 0


def event_of(entry: dict, shown: dict, before: int) -> str:
    """The event a feed entry is (`shown`: as the public sees it now), given
    that the outbox had dispatched the log through `before`."""
    kind = entry["kind"]
    if shown.get("renamed_to"):
        return f"{kind}.renamed"
    if shown["deleted"]:
        if (
            kind == Change.Kind.TERM
            and Term.objects.filter(pk=entry["resource_id"]).exists()
        ):
            return "term.unpublished"
        return f"{kind}.deleted"
    if kind == Change.Kind.TERM and not was_public(entry["resource_id"], before):
        return "term.published"
    return f"{kind}.updated"


def was_public(term_id: int, seq: int) -> bool:
    last = (
        Change.objects.filter(kind=Change.Kind.TERM, resource_id=term_id, seq__lte=seq)
        .order_by("-seq")
        .first()
    )
    return last is not None and (not last.deleted or bool(last.renamed_to))


def payload(entry: dict, shown: dict, event: str) -> dict:
    body = {
        "event": event,
        "sequence": entry["seq"],
        "resource": {"kind": entry["kind"], "key": entry["key"]},
        "deleted": shown["deleted"],
        "document": shown.get("document"),
    }
    if "renamed_to" in shown:
        body["renamed_to"] = shown["renamed_to"]
    return body
