"""Keyset ("seek") reads: the rows after a position in a queryset's order.

A page of a walk starts where the previous one ended, `WHERE (keys) >
(position)`, not `OFFSET n`: the database starts at that place in an index
whatever the depth, where an offset reads and drops every row before it.
The keys are the queryset's whole ordering, which ends with the primary key,
so that a position is one row's and no tie is ever split between pages.

A run of keys that are never null and sort the same way is compared as one
row value, which both databases seek in an index on those columns. Keys
that sort the other way (`-name`: names descending, ties by name ascending)
or may be null (`last_reviewed`) cannot be: the rows after a position are
then a few ranges in turn, each a seek of its own (the rest of the leading
key's tie, then the keys past it, then its nulls), read until the page is
full. So a page is at most a few queries, as many at the end of a walk as
at its start.
"""

from dataclasses import dataclass

from django.db import connections
from django.db.models import F, Field, OrderBy, Q, QuerySet

# Django's own row-value comparisons, as composite primary keys use them.
from django.db.models.fields.tuple_lookups import (
    TupleGreaterThan,
    TupleLessThan,
    TupleLookupMixin,
)


class RowValueMixin:
    """A row comparison written as one on SQLite too (row values: SQLite
    3.15+). Django spells it out there as `a > x OR (a = x AND b > y) …`,
    which SQLite reads by walking the index from the start of the status to
    the position: the last page of 100,000 terms took 30 ms where the first
    took 0.02 (docs/benchmarks.md)."""

    def as_sqlite(self, compiler, connection):
        return super(TupleLookupMixin, self).as_sql(compiler, connection)


class RowGreaterThan(RowValueMixin, TupleGreaterThan):
    pass


class RowLessThan(RowValueMixin, TupleLessThan):
    pass


@dataclass(frozen=True)
class Key:
    """One column of an ordering: a field or an annotation of the queryset."""

    name: str
    descending: bool
    field: Field
    # Where nulls sort in this key's direction (for a key that may be null).
    nulls_first: bool = False

    @property
    def nullable(self) -> bool:
        return self.field.null

    def reversed(self) -> "Key":
        nulls_first = self.nullable and not self.nulls_first
        return Key(self.name, not self.descending, self.field, nulls_first)

    def order_by(self) -> OrderBy:
        if not self.nullable:
            return OrderBy(F(self.name), descending=self.descending)
        return OrderBy(
            F(self.name),
            descending=self.descending,
            nulls_first=self.nulls_first or None,
            nulls_last=not self.nulls_first or None,
        )

    def beyond(self, value) -> Q:
        """This key's values after `value` (never null)."""
        return Q(**{f"{self.name}__{'lt' if self.descending else 'gt'}": value})


def keys_of(queryset: QuerySet) -> list[Key]:
    """The queryset's ordering as keys, up to and including the primary key
    (added last when the ordering lacks it)."""
    query = queryset.query
    meta = query.get_meta()
    nulls_largest = connections[queryset.db].features.nulls_order_largest
    ordering = query.order_by or (meta.ordering if query.default_ordering else ())
    keys, names = [], set()
    for term in [*ordering, meta.pk.name]:
        name, descending, nulls_first = _parsed(term)
        name = meta.pk.name if name == "pk" else name
        if name in names:
            continue  # sorted by already: a later mention changes nothing
        names.add(name)
        if name in query.annotations:
            field = query.annotations[name].output_field
        else:
            field = meta.get_field(name)
        if nulls_first is None:  # the database's own place for nulls
            nulls_first = descending == nulls_largest
        keys.append(Key(name, descending, field, nulls_first and field.null))
        if name == meta.pk.name:
            break  # unique: nothing after it orders anything
    return keys


def _parsed(term) -> tuple[str, bool, bool | None]:
    if isinstance(term, str) and term != "?":
        return term.lstrip("-"), term.startswith("-"), None
    if isinstance(term, F):
        return term.name, False, None
    if isinstance(term, OrderBy) and isinstance(term.expression, F):
        nulls = True if term.nulls_first else False if term.nulls_last else None
        return term.expression.name, term.descending, nulls
    raise ValueError(f"A keyset cannot follow the ordering term {term!r}.")


def _segments(keys: list[Key]) -> list[list[Key]]:
    """Keys compared together: a run of keys that are never null and sort
    the same way is one row comparison; a key that may be null stands alone."""
    segments = []
    for key in keys:
        last = segments[-1] if segments else None
        if (
            last
            and not key.nullable
            and not last[-1].nullable
            and key.descending == last[-1].descending
        ):
            last.append(key)
        else:
            segments.append([key])
    return segments


def _equal(segment: list[Key], values) -> Q:
    return Q(
        *(
            _isnull(key, True) if value is None else Q(**{key.name: value})
            for key, value in zip(segment, values, strict=True)
        )
    )


def _isnull(key: Key, null: bool) -> Q:
    return Q(**{f"{key.name}__isnull": null})


def _after(segment: list[Key], values) -> list[tuple[Q, list[Key], list[OrderBy]]]:
    """The values of one segment after `values` (None: from the start), as
    ranges in order: each a filter, the keys it holds to one value, and the
    ORDER BY of the others.

    A key that may be null is read as two ranges, its nulls and its values:
    each is one range of a plain index, which the key's own NULLS FIRST or
    LAST would not be on PostgreSQL (it puts nulls last in an ascending
    index, the lists put them first)."""
    if len(segment) > 1:
        order = [key.order_by() for key in segment]
        if values is None:
            return [(Q(), [], order)]
        compare = RowLessThan if segment[0].descending else RowGreaterThan
        columns = tuple(F(key.name) for key in segment)
        return [(Q(compare(columns, tuple(values))), [], order)]
    (key,) = segment
    value = None if values is None else values[0]
    if not key.nullable:
        return [(Q() if values is None else key.beyond(value), [], [key.order_by()])]
    plain = [OrderBy(F(key.name), descending=key.descending)]  # no nulls in range
    nulls = (Q(**{f"{key.name}__isnull": True}), [key], [])
    every_value = (Q(**{f"{key.name}__isnull": False}), [], plain)
    if values is None:  # from the start: the nulls and the values
        return [nulls, every_value] if key.nulls_first else [every_value, nulls]
    if value is None:  # among the nulls: the values follow if nulls come first
        return [every_value] if key.nulls_first else []
    # Among the values: the later ones, then the nulls if they come last.
    later = (key.beyond(value), [], plain)
    return [later] if key.nulls_first else [later, nulls]


def _ordered(held: list[Key], order: list[OrderBy]) -> list[OrderBy]:
    """The ORDER BY of a range: the keys it holds to one value change
    nothing, but named in the direction of the rest they let PostgreSQL
    see an index's order (it knows `a = 1` fixes `a`, not `a IS NULL`)."""
    descending = order[0].descending if order else False
    return [*(OrderBy(F(key.name), descending=descending) for key in held), *order]


def ranges_after(keys: list[Key], position: tuple | None) -> list[tuple[Q, list]]:
    """The rows after `position` (None: from the start) in the order of
    `keys`, as ranges in that order: each a filter and its ORDER BY."""
    segments = _segments(keys)
    if position is None:
        following = [key.order_by() for key in keys[len(segments[0]) :]]
        return [
            (beyond, _ordered(held, [*order, *following]))
            for beyond, held, order in _after(segments[0], None)
        ]
    values, start = [], 0
    for segment in segments:
        values.append(position[start : start + len(segment)])
        start += len(segment)
    ranges = []
    for depth in reversed(range(len(segments))):
        # The keys before this one keep the position's values.
        pinned = [key for segment in segments[:depth] for key in segment]
        equal = Q(*(_equal(segments[i], values[i]) for i in range(depth)))
        following = [
            key.order_by() for segment in segments[depth + 1 :] for key in segment
        ]
        for beyond, held, order in _after(segments[depth], values[depth]):
            ordering = _ordered([*pinned, *held], [*order, *following])
            ranges.append((equal & beyond, ordering))
    return ranges


def rows_after(queryset: QuerySet, keys: list[Key], position, count: int) -> list:
    """Up to `count` rows of `queryset` after `position`, in the keys' order."""
    rows = []
    for condition, order in ranges_after(keys, position):
        rows += queryset.filter(condition).order_by(*order)[: count - len(rows)]
        if len(rows) == count:
            break
    return rows
