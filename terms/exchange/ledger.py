"""What the import's checks remember across batches, kept on disk.

An import checks each record against every other (a natural key seen twice,
a unique value held twice, a reference to a row in the file or the
database). Held in Python, what that needs grows with the glossary (about
0.6 MB per 1,000 terms); kept in a private temporary SQLite database,
whose page cache is capped, it does not.
"""

import json
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

CACHE_KB = 16 * 1024


def encoded(value) -> str:
    # A tuple and a list encode alike: keys are compared as they were given.
    return json.dumps(value, ensure_ascii=False)


class Ledger:
    """A private temporary SQLite database (deleted once closed), holding
    any number of Tables."""

    def __init__(self):
        # "": SQLite's private temporary database, on disk once it outgrows
        # its cache.
        self.db = sqlite3.connect("", isolation_level=None)
        self.db.executescript(
            f"""
            PRAGMA cache_size = -{CACHE_KB};
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE entry (
                space TEXT, key TEXT, value TEXT, PRIMARY KEY (space, key)
            ) WITHOUT ROWID;
            BEGIN;
            """
        )
        self.spaces = 0

    def table(self) -> "Table":
        self.spaces += 1
        return Table(self.db, str(self.spaces))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.db.close()


class Table:
    """A dict kept in a Ledger: keys and values as JSON (tuples come back as
    lists)."""

    def __init__(self, db: sqlite3.Connection, space: str):
        self.db, self.space = db, space

    def __contains__(self, key) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM entry WHERE space = ? AND key = ?",
            (self.space, encoded(key)),
        ).fetchone()
        return row is not None

    def get(self, key, default=None) -> Any:
        row = self.db.execute(
            "SELECT value FROM entry WHERE space = ? AND key = ?",
            (self.space, encoded(key)),
        ).fetchone()
        return default if row is None else json.loads(row[0])

    def __getitem__(self, key) -> Any:
        value = self.get(key, KeyError)
        if value is KeyError:
            raise KeyError(key)
        return value

    def __setitem__(self, key, value):
        self.db.execute(
            "INSERT OR REPLACE INTO entry VALUES (?, ?, ?)",
            (self.space, encoded(key), encoded(value)),
        )

    def setdefaults(self, pairs: Iterable[tuple[Any, Any]]):
        """Each key's first value, keeping any it has."""
        self.db.executemany(
            "INSERT OR IGNORE INTO entry VALUES (?, ?, ?)",
            ((self.space, encoded(k), encoded(v)) for k, v in pairs),
        )

    def keys(self) -> Iterator[Any]:
        """Every key, in the order of their JSON."""
        rows = self.db.execute(
            "SELECT key FROM entry WHERE space = ? ORDER BY key", (self.space,)
        )
        return (json.loads(key) for (key,) in rows)

    def add_keys_of(self, other: "Table"):
        """Every key of `other`, with no value."""
        self.db.execute(
            "INSERT OR IGNORE INTO entry SELECT ?, key, 'null' FROM entry"
            " WHERE space = ?",
            (self.space, other.space),
        )
