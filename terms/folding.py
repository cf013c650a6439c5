"""Case and accent folding, the same in Python, SQLite and PostgreSQL."""

import unicodedata

from django.db.models import Func, TextField


def fold(text: str) -> str:
    """Lower case without accents: "Évaluation" → "evaluation"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


class Fold(Func):
    """SQL `glossary_fold(expression)`: PostgreSQL's is made by migration 0003
    (unaccent, indexed), SQLite's is `fold` above, registered on connect."""

    function = "glossary_fold"
    output_field = TextField()


def register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "glossary_fold", 1, lambda text: text and fold(text), deterministic=True
        )


class FoldKey(Fold):
    """The folded text in code-point order, for prefix matching and sorting.

    On PostgreSQL, `glossary_fold(x) COLLATE "C"`: under the C collation a
    prefix LIKE becomes a range of the index of migration 0010, and ORDER BY
    walks that same index, so a LIMIT stops after a few rows whatever the
    database's own collation. SQLite compares text by code point already.
    """

    template = '%(function)s(%(expressions)s) COLLATE "C"'

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="%(function)s(%(expressions)s)", **extra
        )
