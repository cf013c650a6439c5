"""Finding terms by text: ranked full-text search, and prefix autocomplete.

Search ranks its matches in three tiers: the whole query found within the
name or an alias, then within those and the summary, then anywhere (the
definition too); alphabetically within a tier. On PostgreSQL the match is
the stored, GIN-indexed `search_vector`, and the tiers come from the small
`head_vector` (both kept by the trigger of migrations 0003 and 0011, the
head GIN-indexed too by 0022), so ranking never reads a definition. On
SQLite it is the FTS5 index of terms/search_index.py, with the tiers as
column filters. Both fold case and accents and stem words (English), and a
term matches when it holds every word of the query.

`search()` is every match in that order, as one query. A page of it is
`page()`: one query per tier, each in the alphabetical order an index
gives, stopping at the rows the page needs, so a word found in most of the
glossary costs a page, not a sort of everything it is found in; and its
size is `count_up_to()` a cap, for the same reason.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchQueryField
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from . import search_index
from .folding import FoldKey, fold
from .models import Alias

NAME_TIER, SUMMARY_TIER, ANYWHERE_TIER = 3, 2, 1
WITHIN_A_TIER = ("name_order", "name", "id")
RELEVANCE = ("-tier", *WITHIN_A_TIER)
# Above every character: key <= text < key + LAST_CHARACTER is "starts with".
LAST_CHARACTER = "\U0010ffff"
# A lexeme as a tsquery prints it: quoted, with its own quotes doubled.
LEXEME = "'(?:[^']|'')*'"


class Matches(Func):
    """`vector @@ query`, for a query SearchQuery cannot spell."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class NamesQuery(Func):
    """The query with every word restricted to the names and aliases (weight
    A of the vectors): `Matches(head_vector, NamesQuery(text))` holds when
    the whole query is found there, and the GIN index of the head answers
    it."""

    function = "regexp_replace"
    template = "%(function)s(%(expressions)s)::tsquery"
    output_field = SearchQueryField()

    def __init__(self, text: str):
        query = SearchQuery(text, config="glossary", search_type="websearch")
        # 'a' <-> 'b' becomes 'a':A <-> 'b':A: each lexeme, weight A.
        super().__init__(
            Cast(query, TextField()), Value(LEXEME), Value(r"\&:A"), Value("g")
        )


def search(terms, text: str):
    """`terms` matching `text`, the most relevant first."""
    tiers = _tiers(terms.db, text)
    if tiers is None:
        return terms.none()
    matches, in_names, in_head = tiers
    return (
        terms.filter(matches)
        .alias(
            tier=Case(
                When(in_names, then=NAME_TIER),
                When(in_head, then=SUMMARY_TIER),
                default=ANYWHERE_TIER,
                output_field=IntegerField(),
            )
        )
        .order_by(*RELEVANCE)
    )


def page(results, text: str, offset: int, size: int) -> tuple[list, bool]:
    """Rows `offset` to `offset + size` of `results`, a search() for `text`
    (filtered further, or reordered, as the list's parameters say), and
    whether more follow.

    In relevance order each tier is read on its own, alphabetically, and
    only as far as the page needs: its first rows cost a walk of an index
    of names that stops there, however many terms match. A later page reads
    the rows before it too (their ids), so its cost grows with its depth.
    """
    wanted = offset + size + 1
    if tuple(results.query.order_by) != RELEVANCE:
        rows = list(results[offset:wanted])
        return rows[:size], len(rows) > size
    _, in_names, in_head = _tiers(results.db, text)
    rows = []
    for tier in (in_names, in_head & ~in_names, ~in_head):
        if len(rows) >= wanted:
            break
        ordered = results.filter(tier).order_by(*WITHIN_A_TIER)
        rows += ordered[: wanted - len(rows)]
    return rows[offset : offset + size], len(rows) > offset + size


def count_up_to(results, cap: int) -> int:
    """How many rows `results` holds, counting no further than `cap + 1`."""
    return results.order_by()[: cap + 1].count()


def _tiers(using: str, text: str) -> tuple[Q, Q, Q] | None:
    """What a match is, and what a match within the names and aliases and
    within those and the summary are; None when `text` holds no word."""
    if connections[using].vendor == "postgresql":
        query = SearchQuery(text, config="glossary", search_type="websearch")
        return (
            Q(search_vector=query),
            Q(Matches(F("head_vector"), NamesQuery(text))),
            Q(head_vector=query),
        )
    # Every word, each an FTS5 string: nothing in the text is query syntax.
    words = re.findall(r"\w+", text)
    if not words:
        return None
    query = " ".join(f'"{word}"' for word in words)

    def matching(columns: str = "") -> Q:
        expression = f"{{{columns}}} : ({query})" if columns else query
        table = search_index.TABLE
        rows = RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [expression])
        return Q(id__in=rows)

    return matching(), matching("names"), matching("names summary")


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
