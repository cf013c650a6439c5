"""What export and import share: the models, their natural keys and fields."""

import itertools
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models

from terms.lookalikes import lookalike_key, name_clash
from terms.models import Alias, Category, Citation, OldSlug, SeeAlso, Source, Term

# The content, in dependency order: a model refers only to models before it.
MODELS = [Category, Source, Term, Alias, Citation, SeeAlso, OldSlug]
# The fields whose values make up each model's natural_key(); a foreign key
# contributes its target's natural key.
NATURAL_KEYS = {
    Category: ["slug"],
    Source: ["key"],
    Term: ["slug"],
    Alias: ["name", "term"],
    Citation: ["term", "source", "role"],
    SeeAlso: ["term", "target"],
    OldSlug: ["slug"],
}
# The search vectors are the database's to keep. The reviewer is a user account,
# which belongs to one deployment: an export leaves it out (so the file loads
# into any database) unless asked for, and an import keeps the one it has.
NOT_EXPORTED = {
    "name_lookalike",
    "name_order",
    "search_vector",
    "head_vector",
    "names_vector",
    "reviewed_by",
}
# Unique constraints beyond the natural key, checked against the glossary as
# it would be after the import: (field, the value that must be unique, message).
UNIQUE = {
    Category: [("name", lambda v: v["name"], "A category with this name exists.")],
    Source: [
        (
            "identifier",
            lambda v: v["identifier"] or None,
            "Another source has this identifier.",
        )
    ],
    Term: [
        ("name", lambda v: lookalike_key(v["name"]), name_clash),
        (
            "slug",
            lambda v: v["slug"].lower(),
            "Another term has this slug in another case.",
        ),
    ],
    Alias: [
        (
            "name",
            lambda v: (v["term"], v["name"].lower()),
            "The term already has this alias.",
        )
    ],
}
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
BATCH_SIZE = 1000


def batched(items: Iterable, size: int = BATCH_SIZE) -> Iterator[list]:
    """Lists of `size` items, the last shorter (itertools.batched, 3.12+)."""
    items = iter(items)
    while batch := list(itertools.islice(items, size)):
        yield batch


def content_fields(model, *, reviewers: bool = False) -> list[models.Field]:
    skipped = NOT_EXPORTED - ({"reviewed_by"} if reviewers else set())
    return [
        f
        for f in model._meta.local_concrete_fields
        if not f.primary_key and f.name not in skipped
    ]


def natural_key(model, values: dict[str, Any]) -> tuple:
    key = []
    for name in NATURAL_KEYS[model]:
        value = values[name]
        key.extend(value) if isinstance(value, tuple) else key.append(value)
    return tuple(key)


def show_key(key: tuple) -> str:
    return json.dumps(key[0] if len(key) == 1 else list(key), ensure_ascii=False)


def key_column(model) -> str:
    """The one field of a model's natural key that a foreign key to it
    carries: a slug, a key or a username."""
    if model is get_user_model():
        return model.USERNAME_FIELD
    [name] = NATURAL_KEYS[model]
    return name


def columns(fields: list[models.Field]) -> dict[str, str]:
    """The column to read for each field, by field name: a foreign key is
    read as its target's natural key, joined in the same query."""
    return {
        f.name: f"{f.name}__{key_column(f.related_model)}"
        if f.is_relation
        else f.attname
        for f in fields
    }


def stored(model, fields, query=None) -> dict[tuple, tuple[int, dict[str, Any]]]:
    """The rows of `query` (default: all the model's rows) by natural key, as
    (pk, values); a foreign key's value is its target's natural key. `fields`
    must include the natural key's."""
    return {key: (pk, values) for key, pk, values in each_stored(model, fields, query)}


def each_stored(model, fields, query=None) -> Iterator[tuple[tuple, int, dict]]:
    """stored()'s rows one at a time, read in chunks: (key, pk, values)."""
    query = model._base_manager.all() if query is None else query
    rows = query.values_list("pk", *columns(fields).values())
    for pk, *raw in rows.iterator(chunk_size=2000):
        values = {
            f.name: (value,) if f.is_relation and value is not None else value
            for f, value in zip(fields, raw, strict=True)
        }
        yield natural_key(model, values), pk, values


def amounts(counts: dict[type[models.Model], int]) -> str:
    """'4 categories, 31 sources and 1 term': the models with any, in order."""
    parts = [
        f"{n:,} {meta.verbose_name if n == 1 else meta.verbose_name_plural}"
        for meta, n in ((model._meta, n) for model, n in counts.items())
        if n
    ]
    if len(parts) < 2:
        return "".join(parts) or "nothing"
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def ids(model, values=None) -> dict[tuple, int]:
    """Every row's pk by its natural key, for a model referred to (whose
    natural key is one field); only those rows whose key is among `values`
    if given."""
    rows = model._base_manager.all()
    if values is not None:
        rows = rows.filter(**{f"{key_column(model)}__in": values})
    pairs = rows.values_list(key_column(model), "pk")
    return {(value,): pk for value, pk in pairs.iterator(chunk_size=2000)}
