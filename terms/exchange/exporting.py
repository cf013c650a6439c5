"""The export: the whole glossary as a deterministic fixture."""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction

from terms.progress import SILENT, Progress

from .common import (
    MODELS,
    content_fields,
    stored,
    user_keys,
)


@dataclass
class Export:
    text: str
    counts: dict[type[models.Model], int]  # rows written, by model


def export_glossary(*, reviewers: bool = False, progress: Progress = SILENT) -> Export:
    """The whole glossary as fixture text, the same bytes for the same content.

    Rows are sorted by natural key in Python (databases collate differently)
    and timestamps keep their microseconds (Django's serializer drops them).
    """
    objects = []
    counts = {}
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # One snapshot for all seven queries, so that a concurrent edit
            # cannot leave, say, a citation without its source. Only possible
            # as a transaction's first statement, so not in an outer one.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        keys = {get_user_model(): user_keys()} if reviewers else {}
        total = sum(model._base_manager.count() for model in MODELS)
        with progress.step("Exporting", total) as step:
            for model in MODELS:
                fields = content_fields(model, reviewers=reviewers)
                rows = stored(model, fields, keys)
                objects += [
                    {
                        "model": model._meta.label_lower,
                        "fields": {k: to_json(v) for k, v in values.items()},
                    }
                    for _, (_, values) in sorted(rows.items(), key=lambda row: row[0])
                ]
                counts[model] = len(rows)
                step.advance(len(rows))
    text = json.dumps(objects, indent=2, ensure_ascii=False) + "\n"
    return Export(text, counts)


def to_json(value):
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


# Import
