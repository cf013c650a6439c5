"""The A–Z index's letters: which letter a term is filed under.

A name is filed under its first letter with accents removed ("Évaluation"
under E); a name that starts with anything else (a digit, a symbol) is filed
under "0-9", as printed glossaries do.
"""

import string
from functools import reduce
from operator import or_

from django.db.models import Q

from .folding import fold

LETTERS = tuple(string.ascii_uppercase)
OTHER = "0-9"
CHOICES = (*LETTERS, OTHER)


def base_letter(char: str) -> str:
    return fold(char)[:1].upper()


def index_letter(name: str) -> str:
    letter = base_letter(name[:1])
    return letter if letter in LETTERS else OTHER


def _initials() -> dict[str, set[str]]:
    """Every Latin character a name can start with, by the letter it files under.

    SQL has no portable accent folding, so a filter on a letter matches any
    of these initials, in both cases (SQLite folds case only for ASCII).
    """
    initials = {letter: set() for letter in LETTERS}
    for codepoint in range(0x41, 0x250):
        char = chr(codepoint)
        if char.isalpha() and (letter := base_letter(char)) in initials:
            initials[letter] |= {char, char.upper(), char.lower()}
    return initials


INITIALS = _initials()


def starts_with_letter(letter: str, field: str = "name") -> Q:
    """A filter for names filed under `letter` (one of CHOICES)."""
    if letter == OTHER:
        return ~reduce(or_, (starts_with_letter(each, field) for each in LETTERS))
    return reduce(
        or_, (Q(**{f"{field}__startswith": char}) for char in sorted(INITIALS[letter]))
    )
