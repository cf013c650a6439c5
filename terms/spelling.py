"""Names spelt like a search that found nothing: "did you mean".

Closeness is pg_trgm's strict word similarity: the share of three-letter
pieces (trigrams) that the search has in common with a run of whole words
of a name or alias, both folded (case, accents). "distribted" is 0.64 from
"Distributed reward model"; a name must reach CLOSE_ENOUGH, pg_trgm's
default for the indexed test. On PostgreSQL the trigram GIN indexes of the
folded names and aliases (migration 0022) find them: the rows
scored are those with enough trigrams in common, which for a misspelt
word that many names hold is many (docs/benchmarks.md). On SQLite an FTS5
trigram table of the same (terms/search_index.py) picks the CANDIDATES
terms with the most trigrams in common, and `similarity()` below, the
same measure, keeps the close ones.
"""

import re

from django.contrib.postgres.search import TrigramStrictWordSimilarity
from django.db import connections
from django.db.models import BooleanField, Exists, Func, OuterRef, Value
from django.db.models.expressions import RawSQL

from . import search_index
from .folding import Fold, fold
from .models import Alias

SUGGESTIONS = 5
# pg_trgm.strict_word_similarity_threshold's default, which `%>>` tests.
CLOSE_ENOUGH = 0.5
# SQLite: the terms with the most trigrams in common whose names are scored.
CANDIDATES = 100
WORD = re.compile(r"[^\W_]+")  # pg_trgm's words: runs of letters and digits


class SpeltLike(Func):
    """`key %>> text`: pg_trgm's strict word similarity of `text` within
    `key` reaches the threshold; a gin_trgm_ops index of `key` answers it."""

    arg_joiner = " %%>> "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def did_you_mean(terms, text: str, limit: int = SUGGESTIONS) -> list[dict]:
    """Up to `limit` of `terms` whose name or an alias is spelt like
    `text`, the closest first: {"match": the name or alias, "slug", "name"}."""
    key = " ".join(WORD.findall(fold(text)))
    if not key:
        return []
    if connections[terms.db].vendor == "postgresql":
        found = _close_names(terms, key, limit)
    else:
        found = _scored_candidates(terms, key)
    suggestions, seen = [], set()
    for score, match, slug, name in sorted(found, key=lambda f: (-f[0], fold(f[1]))):
        if score >= CLOSE_ENOUGH and slug not in seen:
            seen.add(slug)
            suggestions.append({"match": match, "slug": slug, "name": name})
    return suggestions[:limit]


def _close_names(terms, key: str, limit: int) -> list[tuple]:
    def close(rows, *fields):
        folded = Fold("name")  # as the trigram indexes have it
        found = rows.filter(SpeltLike(folded, Value(key))).annotate(
            score=TrigramStrictWordSimilarity(Value(key), folded)
        )
        return found.order_by("-score", "name").values_list("score", "name", *fields)

    aliases = Alias.objects.filter(Exists(terms.filter(pk=OuterRef("term_id"))))
    return [
        *close(terms, "slug", "name")[:limit],
        *close(aliases, "term__slug", "term__name")[:limit],
    ]


def _scored_candidates(terms, key: str) -> list[tuple]:
    pieces = sorted(trigrams_of(key, padded=False))
    if not pieces:
        return []
    table = search_index.NAMES_TABLE
    candidates = RawSQL(
        f"SELECT rowid FROM {table} WHERE {table} MATCH %s "
        f"ORDER BY rank LIMIT {CANDIDATES}",
        [" OR ".join(f'"{piece}"' for piece in pieces)],
    )
    shown = terms.filter(id__in=candidates)
    names = shown.values_list("name", "slug", "name")
    aliases = Alias.objects.filter(term__in=shown.values("pk"))
    aliases = aliases.values_list("name", "term__slug", "term__name")
    return [(similarity(key, row[0]), *row) for row in [*names, *aliases]]


def trigrams_of(text: str, padded: bool = True) -> set[str]:
    """pg_trgm's trigrams of each word (two spaces before it, one after),
    or, unpadded, only those within a word (what FTS5's trigrams hold)."""
    found = set()
    for word in WORD.findall(text):
        word = f"  {word} " if padded else word
        found |= {word[i : i + 3] for i in range(len(word) - 2)}
    return found


def similarity(key: str, name: str) -> float:
    """pg_trgm's strict_word_similarity(key, fold(name)): the best
    similarity of `key` to a run of whole words of the name."""
    wanted = trigrams_of(key)
    words = WORD.findall(fold(name))
    best = 0.0
    for start in range(len(words)):
        for end in range(start + 1, len(words) + 1):
            run = trigrams_of(" ".join(words[start:end]))
            best = max(best, len(wanted & run) / len(wanted | run))
    return best
