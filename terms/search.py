"""Finding terms by text: ranked full-text search, and prefix autocomplete.

On PostgreSQL, search uses the stored, GIN-indexed `search_vector` (kept by
the trigger of migration 0003). On SQLite it falls back to substring
matching in the same three tiers. Both fold case and accents.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, When

from .folding import Fold, FoldKey, fold
from .models import Alias

# Rank a match by where it is: name or alias (A), summary (B), definition (C).
# ts_rank's weights are listed D, C, B, A.
TIERS = {
    "rank_name": [0.0, 0.0, 0.0, 1.0],
    "rank_summary": [0.0, 0.0, 1.0, 0.0],
    "rank_definition": [0.0, 1.0, 0.0, 0.0],
}


def search(terms, text: str):
    """`terms` matching `text`, the most relevant first."""
    if connections[terms.db].vendor == "postgresql":
        return _full_text_search(terms, text)
    return _substring_search(terms, text)


def _full_text_search(terms, text):
    query = SearchQuery(text, config="glossary", search_type="websearch")
    ranks = {
        name: SearchRank(F("search_vector"), query, weights=weights)
        for name, weights in TIERS.items()
    }
    return (
        terms.filter(search_vector=query)
        .annotate(**ranks)
        .order_by(*(f"-{name}" for name in TIERS), Fold("name"), "name", "id")
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
                When(in_name, then=3),
                When(in_summary, then=2),
                default=1,
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
