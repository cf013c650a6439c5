"""A resource's version: the sequence number of its latest change in the log.

The public version of a term counts only what the public sees of it; its
own version (what editors see, what If-Match compares) counts its draft
edits too. A collection's version is its kind's latest change. Each is one
indexed read of terms_change, in plain SQL: every read asks for one.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection

from .models import Change
from .triggers import SERIALISE

TABLE = Change._meta.db_table
# PostgreSQL: the lock the log's triggers take (PL/pgSQL PERFORMs it).
# SQLite: a write that changes nothing still takes the database's write lock.
LOCK = {
    "postgresql": SERIALISE.replace("PERFORM", "SELECT", 1),
    "sqlite": f"DELETE FROM {TABLE} WHERE seq < 0",
}


@dataclass(frozen=True)
class Version:
    number: int
    changed_at: datetime | None

    @classmethod
    def none(cls) -> "Version":
        return cls(0, None)


def kinds_of(kind: str, drafts: bool) -> list[str]:
    if drafts and kind == Change.Kind.TERM:
        return [Change.Kind.TERM, Change.Kind.EDIT]
    return [kind]


def latest(where: str, params: list) -> Version:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT seq, changed_at FROM {TABLE} WHERE {where} "
            "ORDER BY seq DESC LIMIT 1",
            params,
        )
        row = cursor.fetchone()
    if row is None:
        return Version.none()
    return Version(row[0], as_datetime(row[1]))


def as_datetime(value) -> datetime:
    # SQLite hands back text; the ORM would have converted it.
    if not isinstance(value, datetime):
        value = Change._meta.get_field("changed_at").to_python(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def of(kind: str, resource_id: int, *, drafts: bool = False) -> Version:
    """One resource's version, as the public sees it or (drafts) editors."""
    kinds = kinds_of(kind, drafts)
    marks = ", ".join(["%s"] * len(kinds))
    return latest(f"resource_id = %s AND kind IN ({marks})", [resource_id, *kinds])


def of_key(kind: str, model, field: str, value, *, drafts: bool = False):
    """The version of the resource whose `field` is `value`; None if there
    is no such resource."""
    kinds = kinds_of(kind, drafts)
    marks = ", ".join(["%s"] * len(kinds))
    column = model._meta.pk if field == "pk" else model._meta.get_field(field)
    value = column.to_python(value)
    if isinstance(value, int):
        low, high = connection.ops.integer_field_range(column.get_internal_type())
        if not low <= value <= high:
            return None  # no row has it
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.id, MAX(c.seq), MAX(c.changed_at) FROM {model._meta.db_table} r "
            f"LEFT JOIN {TABLE} c ON c.resource_id = r.id AND c.kind IN ({marks}) "
            f"WHERE r.{column.column} = %s GROUP BY r.id",
            [*kinds, value],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return Version(row[1] or 0, row[2] and as_datetime(row[2]))


def of_many(kind: str, ids, *, drafts: bool = False) -> dict[int, Version]:
    """The versions of many resources of one kind, by id (none: no change)."""
    ids, kinds = list(ids), kinds_of(kind, drafts)
    if not ids:
        return {}
    id_marks, kind_marks = (", ".join(["%s"] * len(x)) for x in (ids, kinds))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT resource_id, MAX(seq), MAX(changed_at) FROM {TABLE} "
            f"WHERE resource_id IN ({id_marks}) AND kind IN ({kind_marks}) "
            "GROUP BY resource_id",
            [*ids, *kinds],
        )
        rows = cursor.fetchall()
    return {pk: Version(number, as_datetime(at)) for pk, number, at in rows}


def stamp(objects, kind: str, *, drafts: bool = False):
    """Set each object's `version` (its number), as representations show it."""
    found = of_many(kind, [o.pk for o in objects], drafts=drafts)
    for o in objects:
        o.version = found.get(o.pk, Version.none()).number
    return objects


def of_kind(kind: str, *, drafts: bool = False) -> Version:
    """The version of a collection of `kind`: its latest member's change."""
    if drafts:
        return head()
    return latest("kind = %s", [kind])


def head() -> Version:
    """The log's latest change, of any kind."""
    return latest("TRUE", [])


def public_head() -> Version:
    """The log's latest change that the public sees."""
    return latest("kind <> %s", [Change.Kind.EDIT])


def lock():
    """Hold back other writers until this transaction ends, so that a
    version read now stays current until this write commits."""
    with connection.cursor() as cursor:
        cursor.execute(LOCK[connection.vendor])
