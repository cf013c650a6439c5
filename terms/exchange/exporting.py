"""The export: the whole glossary as a deterministic fixture, written as it
is read, a chunk of rows at a time."""

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

from django.db import connection, models, transaction
from django.db.models import F
from django.db.models.functions import Collate

from terms.progress import SILENT, Progress

from .common import MODELS, NATURAL_KEYS, columns, content_fields

CHUNK_SIZE = 2000  # rows fetched at a time
# Rows come sorted by natural key as Python sorts strings, by code point,
# whatever the database's own collation: in UTF-8, byte order is code point
# order, and these collations compare bytes.
CODE_POINT_ORDER = {"postgresql": "C", "sqlite": "BINARY"}


def export_glossary(
    write: Callable[[str], object],
    *,
    reviewers: bool = False,
    progress: Progress = SILENT,
) -> dict[type[models.Model], int]:
    """Write the whole glossary as fixture text, the same bytes for the same
    content: the layout of json.dumps(objects, indent=2), one object at a
    time. Timestamps keep their microseconds (Django's serializer drops
    them). Returns how many rows of each model it wrote."""
    counts = {}
    opening = "[\n"
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # One snapshot for all seven queries, so that a concurrent edit
            # cannot leave, say, a citation without its source. Only possible
            # as a transaction's first statement, so not in an outer one.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        total = sum(model._base_manager.count() for model in MODELS)
        with progress.step("Exporting", total) as step:
            for model in MODELS:
                label = model._meta.label_lower
                counts[model] = 0
                for fields in rows(model, reviewers=reviewers):
                    text = json.dumps(
                        {"model": label, "fields": fields}, indent=2, ensure_ascii=False
                    )
                    # A list item of json.dumps(..., indent=2): two spaces in.
                    write(opening + "  " + text.replace("\n", "\n  "))
                    opening = ",\n"
                    counts[model] += 1
                    if counts[model] % CHUNK_SIZE == 0:
                        step.advance(CHUNK_SIZE)
                step.advance(counts[model] % CHUNK_SIZE)
    write("[]\n" if opening == "[\n" else "\n]\n")
    return counts


def rows(model, *, reviewers: bool) -> Iterator[dict]:
    """The model's rows as fixture fields, in natural key order; a foreign
    key is its target's natural key, read in the same query."""
    fields = content_fields(model, reviewers=reviewers)
    column = columns(fields)
    collation = CODE_POINT_ORDER[connection.vendor]
    order = [Collate(F(column[name]), collation) for name in NATURAL_KEYS[model]]
    query = model._base_manager.order_by(*order).values_list(*column.values())
    for values in query.iterator(chunk_size=CHUNK_SIZE):
        yield {
            f.name: [value] if f.is_relation and value is not None else to_json(value)
            for f, value in zip(fields, values, strict=True)
        }


def to_json(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value
