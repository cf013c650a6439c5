"""Finding terms by text: ranked full-text search, and prefix autocomplete.

Search ranks its matches in three tiers: the whole query found within the
name or an alias, then within those and the summary, then anywhere (the
definition too); alphabetically within a tier. On PostgreSQL each tier has
a stored, GIN-indexed vector, each holding the one before: `names_vector`,
`head_vector` (names and summary) and `search_vector` (all), kept by the
trigger of migrations 0003, 0011 and 0022; so ranking never reads a
definition. On SQLite it is the FTS5 index of terms/search_index.py, with
the tiers as column filters. Both fold case and accents and stem words
(English), and a term matches when it holds every word of the query.

`search()` is every match in that order. A page of it is `page()`, which
also counts the matches, up to a cap: counting or sorting every term that
holds a common word would read most of the glossary, so past the cap a
page reads each tier on its own, in the alphabetical order of an index,
and stops at the rows it needs.
"""

import json
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db import connections
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, When
from django.db.models.expressions import RawSQL

from . import search_index
from .folding import FoldKey, fold
from .models import Alias

NAME_TIER, SUMMARY_TIER, ANYWHERE_TIER = 3, 2, 1
WITHIN_A_TIER = ("name_order", "name", "id")
RELEVANCE = ("-tier", *WITHIN_A_TIER)
# Above every character: key <= text < key + LAST_CHARACTER is "starts with".
LAST_CHARACTER = "\U0010ffff"
# Words only (no phrase, hyphen, apostrophe or -exclusion): PostgreSQL's
# estimate of how many terms hold them all is close enough to trust when it
# is this many times the cap (phrases and exclusions it can overestimate).
PLAIN_WORDS = re.compile(r"\s*[^\W_]+(\s+[^\W_]+)*\s*")
ESTIMATE_MARGIN = 5


@dataclass
class Page:
    rows: list
    more: bool  # rows follow this page
    count: int  # the matches, counted up to the cap
    count_is_estimate: bool  # more than `count` match


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


def page(results, text: str, offset: int, size: int, cap: int) -> Page:
    """Rows `offset` to `offset + size` of `results`, a search() for `text`
    (filtered further, or reordered, as a list's parameters say), and how
    many there are, counted up to `cap`.

    Up to the cap, the page is one query that sorts the matches. Past it,
    on PostgreSQL, in relevance order each tier is read on its own,
    alphabetically, and only as far as the page needs: a tier that holds
    many terms is a walk of an index of names that stops at once, one that
    holds few a lookup. A later page reads the rows before it too (their
    ids), so its cost grows with its depth. (SQLite's FTS5 hands over all
    of a tier's matches whatever the LIMIT: there one sorted query is
    cheaper.)
    """
    if _surely_more_than(results, text, cap):
        count = cap + 1
    else:
        count = count_up_to(results, cap)
        if not count:
            return Page([], False, 0, False)
    wanted = offset + size + 1
    walks = connections[results.db].vendor == "postgresql"
    if walks and count > cap and tuple(results.query.order_by) == RELEVANCE:
        _, in_names, in_head = _tiers(results.db, text)
        rows = []
        for tier in (in_names, in_head & ~in_names, ~in_head):
            if len(rows) >= wanted:
                break
            ordered = results.filter(tier).order_by(*WITHIN_A_TIER)
            rows += ordered[: wanted - len(rows)]
        rows = rows[offset:]
    else:
        rows = list(results[offset:wanted])
    return Page(rows[:size], len(rows) > size, min(count, cap), count > cap)


def count_up_to(results, cap: int) -> int:
    """How many rows `results` holds, counting no further than `cap + 1`."""
    return results.order_by()[: cap + 1].count()


def _surely_more_than(results, text: str, cap: int) -> bool:
    """Whether PostgreSQL's planner expects many times `cap` rows of
    `results` (a query of plain words only), so that counting them to
    learn that there are more than `cap` is not worth its time."""
    if connections[results.db].vendor != "postgresql":
        return False
    if not PLAIN_WORDS.fullmatch(text):
        return False
    plan = json.loads(results.order_by().explain(format="json"))
    return plan[0]["Plan"]["Plan Rows"] >= ESTIMATE_MARGIN * cap


def _tiers(using: str, text: str) -> tuple[Q, Q, Q] | None:
    """What a match is, and what a match within the names and aliases and
    within those and the summary are; None when `text` holds no word."""
    if connections[using].vendor == "postgresql":
        query = SearchQuery(text, config="glossary", search_type="websearch")
        in_head = Q(head_vector=query)
        # A match is the head's or the whole vector's (the same terms: the
        # head is part of the whole), so that no term whose head holds the
        # query reads its whole vector (large, stored apart). The planner
        # checks cheaper conditions first: a tier's (one vector) before
        # this (two), so a walk reads whole vectors only where it must.
        return in_head | Q(search_vector=query), Q(names_vector=query), in_head
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
