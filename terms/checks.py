"""The app's system checks (`manage.py check`, and before runserver,
migrate and the rest)."""

from django.core.checks import Error, Tags, register
from django.db import connections

from . import search_index
from .api.unavailable import UNAVAILABLE
from .outages import database_unreachable


@register()
def sqlite_has_full_text_search(app_configs, **kwargs):
    """Search on SQLite needs its FTS5 extension (terms/search_index.py)."""
    uses_sqlite = any(c.vendor == "sqlite" for c in connections.all())
    if not uses_sqlite or search_index.sqlite_has_fts5():
        return []
    return [
        Error(
            "This Python's SQLite has no FTS5, which the glossary's search "
            "needs on SQLite.",
            hint="Use a Python built with a current SQLite (3.20 or later, "
            "with FTS5, as python.org's builds and most distributions are), "
            "or PostgreSQL (DATABASE_URL).",
            id="terms.E001",
        )
    ]


@register(Tags.database)
def database_accepts_connections(app_configs, databases=None, **kwargs):
    """`check --database default`, and migrate before it starts: the database
    named by its address when it cannot be reached, not a traceback."""
    errors = []
    for alias in databases or []:
        connection = connections[alias]
        try:
            connection.ensure_connection()
        except UNAVAILABLE as error:
            errors.append(
                Error(database_unreachable(connection, error), id="terms.E002")
            )
    return errors
