"""The A–Z index's letters: which letter a term is filed under.

A name is filed under the first letter of its folded form (terms.folding:
lower case, accents removed), so "Évaluation" is under E and "Ｒobust"
(full-width) under R; a name whose folded form starts with anything but a
to z (a digit, a symbol, "ı", "œ") is filed under "0-9", as printed
glossaries do.

The rule reads the stored folded name, `Term.name_order`, the same in
Python (letter_of) and in SQL (IndexLetter), so that the index, its letter
pages and the list's `letter` filter always agree, and so that an index on
the expression serves a letter's terms in order and the letters' counts.
"""

import string

from django.db.models import CharField, Count, F, Func

from .folding import fold

LETTERS = tuple(string.ascii_uppercase)
OTHER = "0-9"
CHOICES = (*LETTERS, OTHER)


def letter_of(folded: str) -> str:
    """The letter a folded name (`name_order`) is filed under."""
    first = folded[:1]
    return first.upper() if "a" <= first <= "z" else OTHER


def index_letter(name: str) -> str:
    return letter_of(fold(name))


class IndexLetter(Func):
    """letter_of() in SQL, of the stored folded name.

    Its SQL holds no parameters: SQLite uses an index on an expression only
    for the very same expression, and a parameter is not the same. On
    PostgreSQL the first character is compared byte by byte (COLLATE "C"):
    under a language's collation "ø" or "ł" sort between a and z.
    """

    template = (
        "CASE WHEN SUBSTR(%(expressions)s%(collate)s, 1, 1) BETWEEN 'a' AND 'z' "
        "THEN UPPER(SUBSTR(%(expressions)s, 1, 1)) ELSE '0-9' END"
    )
    output_field = CharField()

    def __init__(self, folded="name_order", **extra):
        super().__init__(F(folded) if isinstance(folded, str) else folded, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, collate="", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, collate=' COLLATE "C"', **extra_context
        )


def filed_under(queryset, letter: str):
    """The terms of `queryset` filed under `letter` (one of CHOICES)."""
    return queryset.alias(index_letter=IndexLetter()).filter(index_letter=letter)


def counts(queryset) -> dict[str, int]:
    """How many terms of `queryset` each letter has (letters with none: absent)."""
    rows = (
        queryset.annotate(index_letter=IndexLetter())
        .values("index_letter")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["index_letter"]: row["count"] for row in rows}
