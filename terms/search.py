"""Finding terms by text: ranked full-text search, and prefix autocomplete.

Search ranks its matches in three tiers: the whole query found within the
name or an alias, then within those and the summary, then anywhere (the
definition too); alphabetically within a tier. On PostgreSQL the match is
the stored, GIN-indexed `search_vector`, and the tiers come from the small
`head_vector` (both kept by the trigger of migrations 0003 and 0011), so
ranking never reads a definition. On SQLite it falls back to substring
matching in the same tiers. Both fold case and accents.
"""

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connections
from django.db.models import Case, Exists, Func, IntegerField, OuterRef, Q, When

from .folding import Fold, FoldKey, fold
from .models import Alias

NAME_TIER, SUMMARY_TIER, ANYWHERE_TIER = 3, 2, 1


class NamesOnly(Func):
    """The name-and-alias part (weight A) of a search vector."""

    function = "ts_filter"
    template = "%(function)s(%(expressions)s, '{a}')"
    output_field = SearchVectorField()


def search(terms, text: str):
    """`terms` matching `text`, the most relevant first."""
    if connections[terms.db].vendor == "postgresql":
        return _full_text_search(terms, text)
    return _substring_search(terms, text)


def _full_text_search(terms, text):
    query = SearchQuery(text, config="glossary", search_type="websearch")
    return (
        terms.filter(search_vector=query)
        .alias(
            names=NamesOnly("head_vector"),
            tier=Case(
                When(names=query, then=NAME_TIER),
                When(head_vector=query, then=SUMMARY_TIER),
                default=ANYWHERE_TIER,
                output_field=IntegerField(),
            ),
        )
        .order_by("-tier", "name_order", "name", "id")
    )


def _substring_search(terms, text):
    needle = fold(text)
    aliases = Alias.objects.annotate(key=Fold("name")).filter(
        term=OuterRef("pk"), key__contains=needle
    )
    in_name = Q(name_key__contains=needle) | Exists(aliases)
    in_summary = Q(summary_key__contains=needle)
    in_definition = Q(definition_key__contains=needle)
    return (
        terms.annotate(
            name_key=Fold("name"),
            summary_key=Fold("summary"),
            definition_key=Fold("definition"),
        )
        .filter(in_name | in_summary | in_definition)
        .annotate(
            tier=Case(
                When(in_name, then=NAME_TIER),
                When(in_summary, then=SUMMARY_TIER),
                default=ANYWHERE_TIER,
                output_field=IntegerField(),
            )
        )
        .order_by("-tier", "name_key", "name", "id")
    )


def suggest(terms, prefix: str, limit: int) -> list[dict]:
    """Up to `limit` terms whose name or an alias starts with `prefix`."""
    key = fold(prefix)
    # Code-point order (FoldKey) on both sides: the database's LIMIT keeps the
    # same first rows that the merge below sorts.
    by_name = (
        terms.annotate(key=FoldKey("name"))
        .filter(key__startswith=key)
        .values_list("key", "name", "slug", "name")
        .order_by("key", "name")[:limit]
    )
    by_alias = (
        Alias.objects.filter(term__in=terms)
        .annotate(key=FoldKey("name"))
        .filter(key__startswith=key)
        .values_list("key", "name", "term__slug", "term__name")
        .order_by("key", "name")[:limit]
    )
    suggestions, seen = [], set()
    for _, match, slug, name in sorted([*by_name, *by_alias]):
        if slug not in seen:
            seen.add(slug)
            suggestions.append({"match": match, "slug": slug, "name": name})
    return suggestions[:limit]
