"""SQLite's full-text index of terms: an FTS5 table, terms_term_fts, with a
row per term (rowid = the term's id): its name and aliases, its summary, its
definition. Tokens are folded (case, accents) and stemmed (Porter), as
PostgreSQL's `glossary` text search configuration does, so search finds the
same terms on both. Triggers keep it current whoever writes, as the change
log's are (and, like them, they are dropped while migrations rebuild tables
and created again after: terms/apps.py). PostgreSQL's index is the
trigger-kept search_vector (migrations 0003, 0011)."""

import sqlite3
from functools import cache

TABLE = "terms_term_fts"
# The table is made by migration 0019: columns names, summary, definition,
# tokenized by 'porter unicode61 remove_diacritics 2'. Below: the row of
# each term that a SELECT's `t` names.
ROW = (
    f"INSERT INTO {TABLE} (rowid, names, summary, definition) "
    "SELECT t.id, t.name || ' ' || coalesce((SELECT group_concat(a.name, ' ') "
    "FROM terms_alias a WHERE a.term_id = t.id), ''), t.summary, t.definition "
    "FROM terms_term t"
)


def refresh(term_id: str) -> str:
    return f"DELETE FROM {TABLE} WHERE rowid = {term_id}; {ROW} WHERE t.id = {term_id};"


TRIGGERS = {
    "terms_term_fts_insert": ("AFTER INSERT ON terms_term", [refresh("NEW.id")]),
    "terms_term_fts_update": (
        "AFTER UPDATE OF name, summary, definition ON terms_term",
        [refresh("OLD.id"), refresh("NEW.id")],
    ),
    "terms_term_fts_delete": (
        "AFTER DELETE ON terms_term",
        [f"DELETE FROM {TABLE} WHERE rowid = OLD.id;"],
    ),
    "terms_alias_fts_insert": ("AFTER INSERT ON terms_alias", [refresh("NEW.term_id")]),
    "terms_alias_fts_update": (
        "AFTER UPDATE ON terms_alias",
        [refresh("OLD.term_id"), refresh("NEW.term_id")],
    ),
    "terms_alias_fts_delete": ("AFTER DELETE ON terms_alias", [refresh("OLD.term_id")]),
}


def create(connection) -> list[str]:
    """The statements that create the triggers, once the table exists."""
    if TABLE not in connection.introspection.table_names():
        return []  # before the migration that makes it
    return [
        f"CREATE TRIGGER IF NOT EXISTS {name} {event} BEGIN {' '.join(body)} END"
        for name, (event, body) in TRIGGERS.items()
    ]


def drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS]


@cache
def sqlite_has_fts5() -> bool:
    with sqlite3.connect(":memory:") as probe:
        try:
            probe.execute("CREATE VIRTUAL TABLE probe USING fts5(x)")
        except sqlite3.OperationalError:
            return False
    return True
