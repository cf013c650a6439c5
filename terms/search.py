"""Finding terms by text: ranked full-text search, and prefix autocomplete.

Search ranks its matches in three tiers: the whole query found within the
name or an alias, then within those and the summary, then anywhere (the
definition too); alphabetically within a tier. On PostgreSQL the match is
the stored, GIN-indexed `search_vector`, and the tiers come from the small
`head_vector` (both kept by the trigger of migrations 0003 and 0011), so
ranking never reads a definition. On SQLite it is the FTS5 index of
terms/search_index.py, with the tiers as column filters. Both fold case and
accents and stem words (English), and a term matches when it holds every
word of the query.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connections
from django.db.models import Case, Exists, F, Func, IntegerField, OuterRef, When
from django.db.models.expressions import RawSQL

from . import search_index
from .folding import FoldKey, fold
from .models import Alias

NAME_TIER, SUMMARY_TIER, ANYWHERE_TIER = 3, 2, 1
# Above every character: key <= text < key + LAST_CHARACTER is "starts with".
LAST_CHARACTER = "\U0010ffff"


class NamesOnly(Func):
    """The name-and-alias part (weight A) of a search vector."""

    function = "ts_filter"
    template = "%(function)s(%(expressions)s, '{a}')"
    output_field = SearchVectorField()


def search(terms, text: str):
    """`terms` matching `text`, the most relevant first."""
    if connections[terms.db].vendor == "postgresql":
        return _full_text_search(terms, text)
    return _fts5_search(terms, text)


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


def _fts5_search(terms, text):
    # Every word, each an FTS5 string: nothing in the text is query syntax.
    words = re.findall(r"\w+", text)
    if not words:
        return terms.none()
    query = " ".join(f'"{word}"' for word in words)

    def matching(columns: str = ""):
        expression = f"{{{columns}}} : ({query})" if columns else query
        table = search_index.TABLE
        return RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [expression])

    return (
        terms.filter(id__in=matching())
        .alias(
            tier=Case(
                When(id__in=matching("names"), then=NAME_TIER),
                When(id__in=matching("names summary"), then=SUMMARY_TIER),
                default=ANYWHERE_TIER,
                output_field=IntegerField(),
            )
        )
        .order_by("-tier", "name_order", "name", "id")
    )


def suggest(terms, prefix: str, limit: int) -> list[dict]:
    """Up to `limit` terms whose name or an alias starts with `prefix`."""
    key = fold(prefix)
    # Code-point order on both sides: the database's LIMIT keeps the same
    # first rows that the merge below sorts. PostgreSQL folds in expression
    # indexes (FoldKey); SQLite reads the stored folded names by a range of
    # their indexes (its LIKE would scan), each alias's term by its key.
    if connections[terms.db].vendor == "postgresql":
        names = terms.annotate(key=FoldKey("name")).filter(key__startswith=key)
        aliases = Alias.objects.filter(term__in=terms)
        aliases = aliases.annotate(key=FoldKey("name")).filter(key__startswith=key)
    else:
        within = {"key__gte": key, "key__lt": key + LAST_CHARACTER}
        names = terms.annotate(key=F("name_order")).filter(**within)
        shown = Exists(terms.filter(pk=OuterRef("term_id")))
        aliases = Alias.objects.filter(shown).annotate(key=F("name_order"))
        aliases = aliases.filter(**within)
    by_name = names.values_list("key", "name", "slug", "name").order_by("key", "name")
    by_alias = aliases.values_list("key", "name", "term__slug", "term__name").order_by(
        "key", "name"
    )
    by_name, by_alias = by_name[:limit], by_alias[:limit]
    suggestions, seen = [], set()
    for _, match, slug, name in sorted([*by_name, *by_alias]):
        if slug not in seen:
            seen.add(slug)
            suggestions.append({"match": match, "slug": slug, "name": name})
    return suggestions[:limit]
