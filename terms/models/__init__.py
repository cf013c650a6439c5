from terms.changes.models import Change

from .category import Category
from .links import Citation, SeeAlso
from .names import Alias, OldSlug
from .source import Source
from .term import Term, TermQuerySet

__all__ = [
    "Alias",
    "Category",
    "Change",
    "Citation",
    "OldSlug",
    "SeeAlso",
    "Source",
    "Term",
    "TermQuerySet",
]
