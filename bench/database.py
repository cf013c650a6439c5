"""The benchmark's own databases: made fresh for each run, dropped after it.

SQLite: files under bench-results/. PostgreSQL: the database DATABASE_URL
names, which must have "bench" in its name, since the run drops it.
"""

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg


@dataclass
class Database:
    url: str
    vendor: str  # "sqlite" or "postgresql"
    name: str  # the file or the database

    def create(self):
        self.drop()
        if self.vendor == "postgresql":
            _maintenance(self.url, f'CREATE DATABASE "{self.name}"')

    def drop(self):
        if self.vendor == "postgresql":
            _maintenance(
                self.url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'
            )
        else:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.name}{suffix}").unlink(missing_ok=True)

    def sibling(self, suffix: str) -> "Database":
        """Another database of the same kind, for the import comparison."""
        if self.vendor == "postgresql":
            name = f"{self.name}_{suffix}"
            return Database(_with_name(self.url, name), self.vendor, name)
        path = self.name.removesuffix(".sqlite3") + f"-{suffix}.sqlite3"
        return Database(f"sqlite:///{path}", self.vendor, path)

    def version(self) -> str:
        if self.vendor == "postgresql":
            with psycopg.connect(_with_name(self.url, "postgres")) as connection:
                return connection.execute("SHOW server_version").fetchone()[0]
        return sqlite3.sqlite_version


def bench_database(database_url: str | None, results: Path, terms: int) -> Database:
    """PostgreSQL if DATABASE_URL says so; otherwise an SQLite file of our own."""
    if database_url and database_url.startswith(("postgres://", "postgresql://")):
        name = urlsplit(database_url).path.lstrip("/")
        if "bench" not in name:
            raise SystemExit(
                f"DATABASE_URL names the database {name!r}, which the benchmark "
                "would drop. Name one used only for benchmarks, e.g. "
                "postgres://postgres@127.0.0.1:5432/glossary_bench"
            )
        return Database(database_url, "postgresql", name)
    # The process id keeps two runs at once (other checkouts) apart.
    path = (results / f"bench-{terms}-{os.getpid()}.sqlite3").resolve()
    return Database(f"sqlite:///{path}", "sqlite", str(path))


def _with_name(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _maintenance(url: str, statement: str):
    with psycopg.connect(_with_name(url, "postgres"), autocommit=True) as connection:
        connection.execute(statement)
