from terms.changes.models import Change
from terms.outbox.models import Delivery, Dispatched, Endpoint, Purge

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
    "Delivery",
    "Dispatched",
    "Endpoint",
    "OldSlug",
    "Purge",
    "SeeAlso",
    "Source",
    "Term",
    "TermQuerySet",
]
