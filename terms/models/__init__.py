from terms.changes.models import Change

from .category import Category
from .content_version import ContentVersion
from .links import Citation, SeeAlso
from .names import Alias, OldSlug
from .source import Source
from .term import Term, TermQuerySet

__all__ = [
    "Alias",
    "Category",
    "Change",
    "Citation",
    "ContentVersion",
    "OldSlug",
    "SeeAlso",
    "Source",
    "Term",
    "TermQuerySet",
]
