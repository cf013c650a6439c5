"""The editors' admin: terms, sources and categories."""

from . import sources, terms  # noqa: F401  (registers the model admins)
