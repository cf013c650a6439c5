"""Surrogate keys: the names a read response gives the resources it shows
(its Surrogate-Key and Cache-Tag headers), and that a change to them purges
from a CDN (terms/outbox/). A term's response names the term; what it shows
of other resources (a cited source, a see-also target's name) is covered by
the change log, which logs the term as changed when they change. A
collection (lists, search, the index, autocomplete) names its kind: any
change of one of its members purges it, since order and pages shift."""

from .models import Change

COLLECTIONS = {
    Change.Kind.TERM: "terms",
    Change.Kind.SOURCE: "sources",
    Change.Kind.CATEGORY: "categories",
}
SYNC = "sync"


def resource(kind: str, resource_id: int) -> str:
    return f"{kind}-{resource_id}"


def collection(kind: str) -> str:
    return COLLECTIONS[kind]


def changed(kind: str, resource_id: int) -> list[str]:
    """The keys a change of this resource purges."""
    return [resource(kind, resource_id), collection(kind), SYNC]
