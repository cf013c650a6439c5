"""Names that are the same, or look the same, to a reader.

Two names are the same if they match after Unicode normalisation (NFKC)
and case folding: "ＡＩ alignment" is "AI alignment". They look the same if
they match once every letter of another script that looks like a Latin one
is read as that Latin letter: "АI alignment" with a Cyrillic А. Unicode's
confusables data comes from confusable_homoglyphs (as django-registration
uses it for user names).
"""

import unicodedata

from confusable_homoglyphs import confusables
from django.core.exceptions import ValidationError

DUPLICATE = "A term with this name already exists."


def same_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold()


def lookalike_key(name: str) -> str:
    """same_key() of the name with its look-alike letters made Latin."""
    text = unicodedata.normalize("NFKC", name)
    found = confusables.is_confusable(text, greedy=True, preferred_aliases=["latin"])
    latin = {}
    for item in found or []:
        c = item["character"]
        if not unicodedata.category(c).startswith("L"):
            continue  # digits and punctuation are the same in every script
        glyphs = [g["c"] for g in item["homoglyphs"] if g["n"].startswith("LATIN")]
        # A capital reads as a capital: Greek Ι as I, not as l.
        glyphs.sort(key=lambda g: unicodedata.category(g) != unicodedata.category(c))
        if glyphs:
            latin[c] = glyphs[0]
    return same_key("".join(latin.get(c, c) for c in text))


def name_clash(name: str, existing: str) -> ValidationError:
    """The error for a name whose lookalike_key another term's name has."""
    if same_key(name) == same_key(existing):
        return ValidationError(DUPLICATE, code="duplicate_name")
    return ValidationError(
        "“%(name)s” looks like the existing term “%(existing)s”: some of its "
        "letters are from another script. Use the existing term, or a name "
        "that differs visibly.",
        code="lookalike_name",
        params={"name": name, "existing": existing},
    )
