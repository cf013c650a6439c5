"""The editors' admin: terms, sources and categories."""

from . import sources, terms, webhooks  # noqa: F401  (registers the model admins)
