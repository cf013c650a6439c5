"""The sync feed: every public document once, then what changed since.

A client starts without a cursor and pages through the published terms,
then the sources, then the categories (the snapshot). The last page's
cursor points at the change log as it was when the snapshot began; from
there each page lists the resources changed since, in the order of their
last change: an upsert with the resource's current document, or a
tombstone (its key, and the new key of a rename). Applying every page in
order leaves the client with exactly the public glossary. A change made
during the snapshot is listed again after it (upserts are idempotent), and
the snapshot's last page says there is more until the client has read it. A
cursor that the log's pruning has overtaken (terms/changes/retention.py)
has missed changes: its client must start again.
"""

import base64
import binascii
import json
from dataclasses import dataclass

from django.db.models import Max

from terms.models import Category, Source, Term

from .models import Change, Pruning

KINDS = Change.PUBLIC


class BadCursor(ValueError):
    """The cursor is not one this feed gave out."""


class Expired(Exception):
    """Changes after the cursor were pruned: its client must start again."""


@dataclass(frozen=True)
class Cursor:
    """Where a client is: in the snapshot of the log at `seq` (at `kind`,
    after id `after`), or past it (kind None): changes after `seq`."""

    seq: int
    kind: str | None = None
    after: int = 0

    def encode(self) -> str:
        data = [self.seq] if self.kind is None else [self.seq, self.kind, self.after]
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()

    @classmethod
    def decode(cls, text: str) -> "Cursor":
        try:
            data = json.loads(base64.urlsafe_b64decode(text.encode()))
        except (binascii.Error, UnicodeError, ValueError) as error:
            raise BadCursor("Not a cursor of this feed.") from error
        ints = isinstance(data, list) and all(
            type(value) is int and value >= 0 for value in data[:1] + data[2:]
        )
        if ints and len(data) == 1:
            return cls(data[0])
        if ints and len(data) == 3 and data[1] in KINDS:
            return cls(data[0], data[1], data[2])
        raise BadCursor("Not a cursor of this feed.")


def head() -> int:
    # The log, then how far it was pruned (it may be empty since): a prune
    # committing between the two reads only raises the second.
    log = Change.objects.aggregate(head=Max("seq"))["head"] or 0
    return max(log, Pruning.through())


@dataclass
class Page:
    # {"kind", "key", "deleted", "renamed_to", "resource", "seq", "resource_id"}:
    # seq is the entry's last change (the snapshot's for a snapshot entry).
    entries: list[dict]
    next_cursor: Cursor
    has_more: bool


def public(kind: str):
    """Each kind's public rows, with what their documents show, and the
    field its key is."""
    published = Term.objects.published()
    return {
        # A term's document is stored (terms/changes/documents.py).
        Change.Kind.TERM: (published.only("pk", "slug"), "slug"),
        Change.Kind.SOURCE: (Source.objects.with_citing(published), "key"),
        Change.Kind.CATEGORY: (Category.objects.with_term_counts(), "slug"),
    }[kind]


def read(cursor: Cursor | None, limit: int) -> Page:
    """A page of the feed after `cursor`; resources come as model instances
    (None for a tombstone) for the API to render."""
    if cursor is None:
        cursor = Cursor(head(), KINDS[0], 0)
    if cursor.kind is not None:
        return retained(cursor, snapshot(cursor, limit))
    if cursor.seq > head():
        raise BadCursor("This cursor is ahead of the feed.")
    return retained(cursor, changes(cursor, limit))


def retained(cursor: Cursor, page: Page) -> Page:
    """The page read after `cursor`, if the log still holds every change
    after it. Asked once the page is read, so a prune that committed while it
    was read is seen: a page is never short of a change pruned meanwhile."""
    if cursor.seq < Pruning.through():
        raise Expired(f"Changes after {cursor.seq} were pruned.")
    return page


def snapshot(cursor: Cursor, limit: int) -> Page:
    kind = cursor.kind
    rows, key = public(kind)
    batch = list(rows.filter(pk__gt=cursor.after).order_by("pk")[: limit + 1])
    entries = [
        {
            "kind": kind,
            "key": getattr(r, key),
            "deleted": False,
            "resource": r,
            "seq": cursor.seq,
            "resource_id": r.pk,
        }
        for r in batch[:limit]
    ]
    if len(batch) > limit:
        return Page(entries, Cursor(cursor.seq, kind, batch[limit - 1].pk), True)
    following = KINDS.index(kind) + 1
    if following < len(KINDS):
        return Page(entries, Cursor(cursor.seq, KINDS[following], 0), True)
    # Pages read before a change made during the snapshot are stale: the
    # client is done only once it has read the changes since it began.
    return Page(entries, Cursor(cursor.seq), changed_since(cursor.seq))


def changed_since(seq: int) -> bool:
    return Change.objects.filter(seq__gt=seq, kind__in=KINDS).exists()


def changes(cursor: Cursor, limit: int) -> Page:
    # Up to `limit` log rows; a resource changed several times among them is
    # listed once, at its last change, with its document as it is now.
    log = Change.objects.filter(seq__gt=cursor.seq, kind__in=KINDS)
    rows = list(log.order_by("seq")[: limit + 1])
    more, rows = len(rows) > limit, rows[:limit]
    last = {}
    for row in rows:
        last.pop((row.kind, row.key), None)
        last[(row.kind, row.key)] = row
    current = {}
    for kind in KINDS:
        keys = [key for k, key in last if k == kind]
        queryset, field = public(kind)
        for resource in queryset.filter(**{f"{field}__in": keys}):
            current[(kind, getattr(resource, field))] = resource
    entries = []
    for (kind, key), row in last.items():
        resource = None if row.deleted else current.get((kind, key))
        entry = {"kind": kind, "key": key, "deleted": resource is None}
        if row.deleted and row.renamed_to:
            entry["renamed_to"] = row.renamed_to
        entries.append(
            entry
            | {"resource": resource, "seq": row.seq, "resource_id": row.resource_id}
        )
    next_seq = rows[-1].seq if rows else cursor.seq
    return Page(entries, Cursor(next_seq), more)
