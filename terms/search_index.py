"""SQLite's full-text index of terms: an FTS5 table, terms_term_fts, with a
row per term (rowid = the term's id): its name and aliases, its summary, its
definition. Tokens are folded (case, accents) and stemmed (Porter), as
PostgreSQL's `glossary` text search configuration does, so search finds the
same terms on both. Triggers keep it current whoever writes, as the change
log's are (and, like them, they are dropped while migrations rebuild tables
and created again after: terms/apps.py). PostgreSQL's index is the
trigger-kept search_vector (migrations 0003, 0011).

Beside it, for suggestions when a search finds nothing (terms/spelling.py),
a trigram-tokenized FTS5 table of each term's name and aliases, folded:
the same triggers keep both."""

import sqlite3
from contextlib import contextmanager
from functools import cache

from terms.progress import SILENT, Progress

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
# Did-you-mean suggestions' index (terms/spelling.py), made by migration
# 0022: a row per term of its name and aliases folded (the stored folded
# columns), tokenized by 'trigram'.
NAMES_TABLE = "terms_term_trigrams"
NAMES_ROW = (
    f"INSERT INTO {NAMES_TABLE} (rowid, names) "
    "SELECT t.id, t.name_order || ' ' || coalesce((SELECT "
    "group_concat(a.name_order, ' ') FROM terms_alias a WHERE a.term_id = t.id), "
    "'') FROM terms_term t"
)
ROWS = {TABLE: ROW, NAMES_TABLE: NAMES_ROW}


def refresh(term_id: str, tables: list[str]) -> str:
    return " ".join(
        f"DELETE FROM {table} WHERE rowid = {term_id}; "
        f"{ROWS[table]} WHERE t.id = {term_id};"
        for table in tables
    )


def triggers(tables: list[str]) -> dict[str, tuple[str, list[str]]]:
    """Each trigger's event and statements, keeping `tables` current."""
    return {
        "terms_term_fts_insert": (
            "AFTER INSERT ON terms_term",
            [refresh("NEW.id", tables)],
        ),
        "terms_term_fts_update": (
            "AFTER UPDATE OF name, name_order, summary, definition ON terms_term",
            [refresh("OLD.id", tables), refresh("NEW.id", tables)],
        ),
        "terms_term_fts_delete": (
            "AFTER DELETE ON terms_term",
            [f"DELETE FROM {table} WHERE rowid = OLD.id;" for table in tables],
        ),
        "terms_alias_fts_insert": (
            "AFTER INSERT ON terms_alias",
            [refresh("NEW.term_id", tables)],
        ),
        "terms_alias_fts_update": (
            "AFTER UPDATE ON terms_alias",
            [refresh("OLD.term_id", tables), refresh("NEW.term_id", tables)],
        ),
        "terms_alias_fts_delete": (
            "AFTER DELETE ON terms_alias",
            [refresh("OLD.term_id", tables)],
        ),
    }


TRIGGERS = triggers(list(ROWS))


def create(connection) -> list[str]:
    """The statements that create the triggers, for the tables that exist
    (none before the migration that makes the first)."""
    existing = set(connection.introspection.table_names())
    tables = [table for table in ROWS if table in existing]
    if not tables:
        return []
    return [
        f"CREATE TRIGGER IF NOT EXISTS {name} {event} BEGIN {' '.join(body)} END"
        for name, (event, body) in triggers(tables).items()
    ]


def drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS]


@contextmanager
def filled_after(connection, progress: Progress = SILENT):
    """Around a bulk load in a transaction: the tables filled once at its
    end, not by the triggers row by row. Each alias a trigger indexes
    deletes and indexes again its term's whole row, definition included,
    in both tables. If the load fails, the transaction's rollback puts the
    triggers back (SQLite's schema changes are transactional)."""
    tables = []
    if connection.vendor == "sqlite":
        assert connection.in_atomic_block, "only inside a transaction"
        existing = set(connection.introspection.table_names())
        tables = [table for table in ROWS if table in existing]
    if not tables:
        yield
        return
    with connection.cursor() as cursor:
        for statement in drop():
            cursor.execute(statement)
    yield
    step = progress.step("Indexing terms for search", len(tables), "tables")
    with step, connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute(ROWS[table])
            step.advance()
        for statement in create(connection):
            cursor.execute(statement)


@cache
def sqlite_has_fts5() -> bool:
    with sqlite3.connect(":memory:") as probe:
        try:
            probe.execute("CREATE VIRTUAL TABLE probe USING fts5(x)")
        except sqlite3.OperationalError:
            return False
    return True
