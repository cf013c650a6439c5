"""The triggers that keep the change log (terms.changes.models.Change).

Triggers, not signals or save(), because only the database sees every
write: queryset update() and delete(), loaddata's raw saves, bulk inserts
and raw SQL included. Each trigger is described once and written out for
PostgreSQL and SQLite, which both have row triggers with WHEN conditions.

What changes a public representation (drafts have none):
- a published term's own columns, its aliases, citations and see-also
  links to published terms; publishing it (an upsert) and unpublishing,
  deleting or renaming it (a tombstone for its old slug);
- the name, slug, summary or status of a term that published terms link
  to (their see-also lists show it), or that sources list as citing them;
- a source's columns (and so every published term citing it);
- a category's columns (and its published terms), and its term count.

What the public cannot see is logged too, as a draft edit (kind "edit"):
a draft's columns and rows, and a published term's links to drafts. It
moves no public validator and the sync feed skips it, but it is part of
the term's own version, which editors' reads show and If-Match compares.
"""

from dataclasses import dataclass

PUBLISHED = "'published'"
# Columns of a term that its own representation shows.
TERM_COLUMNS = [
    "name",
    "slug",
    "title",
    "summary",
    "definition",
    "example",
    "category_id",
    "status",
    "last_reviewed",
    "review_interval_days",
    "created_at",
    "updated_at",
]
# Columns of a term that other resources show (see-also items, citing terms).
TERM_SHOWN = ["name", "slug", "summary", "status"]
SOURCE_COLUMNS = [
    "key",
    "title",
    "authors",
    "publisher",
    "year",
    "identifier",
    "url",
    "kind",
    "updated_at",
]
CATEGORY_COLUMNS = ["name", "slug", "description"]

# PostgreSQL hands out sequence numbers before commit, so two writers could
# commit out of order and a reader pass a number still to come. Writers that
# log take this lock, held until they commit: what a reader sees of the log
# is always everything up to some number. (SQLite has one writer at a time.)
SERIALISE = "PERFORM pg_advisory_xact_lock(hashtext('terms_change'))"

DIALECTS = {
    "postgresql": {"now": "clock_timestamp()", "distinct": "IS DISTINCT FROM"},
    "sqlite": {
        "now": "strftime('%Y-%m-%d %H:%M:%f', 'now')",
        "distinct": "IS NOT",
    },
}


def log(kind: str, rows: str, deleted: bool = False, renamed: str = "''") -> str:
    """Log each (id, key) row that the SELECT `rows` returns."""
    flag = "TRUE" if deleted else "FALSE"
    return (
        "INSERT INTO terms_change (kind, resource_id, key, deleted, renamed_to, "
        f"changed_at) SELECT '{kind}', id, key, {flag}, {renamed}, {{now}} "
        f"FROM ({rows}) AS changed"
    )


def term(row: str) -> str:
    return f"SELECT {row}.id AS id, {row}.slug AS key"


def published_term(term_id: str) -> str:
    return (
        f"SELECT id, slug AS key FROM terms_term "
        f"WHERE id = {term_id} AND status = {PUBLISHED}"
    )


def draft_term(term_id: str) -> str:
    return (
        f"SELECT id, slug AS key FROM terms_term "
        f"WHERE id = {term_id} AND status <> {PUBLISHED}"
    )


def source(source_id: str) -> str:
    return f"SELECT id, key FROM terms_source WHERE id = {source_id}"


def category(category_id: str) -> str:
    return f"SELECT id, slug AS key FROM terms_category WHERE id = {category_id}"


def changed(columns: list[str]) -> str:
    return " OR ".join(f"OLD.{c} {{distinct}} NEW.{c}" for c in columns)


@dataclass
class Trigger:
    name: str
    table: str
    event: str
    when: str
    statements: list[str]


def child_triggers(table: str, statements) -> list[Trigger]:
    """Insert, update and delete triggers of a table of a term's rows;
    `statements(row)` says what to log for the row (NEW or OLD)."""
    return [
        Trigger(f"{table}_insert", table, "INSERT", "TRUE", statements("NEW")),
        Trigger(
            f"{table}_update",
            table,
            "UPDATE",
            "TRUE",
            statements("OLD") + statements("NEW"),
        ),
        Trigger(f"{table}_delete", table, "DELETE", "TRUE", statements("OLD")),
    ]


def alias_changes(row: str) -> list[str]:
    return [
        log("term", published_term(f"{row}.term_id")),
        log("edit", draft_term(f"{row}.term_id")),
    ]


def citation_changes(row: str) -> list[str]:
    cited_by_published = f"EXISTS ({published_term(f'{row}.term_id')})"
    return [
        log("term", published_term(f"{row}.term_id")),
        log("edit", draft_term(f"{row}.term_id")),
        log("source", f"{source(f'{row}.source_id')} AND {cited_by_published}"),
    ]


def see_also_changes(row: str) -> list[str]:
    public = f"EXISTS ({published_term(f'{row}.target_id')})"
    return [
        log("term", f"{published_term(f'{row}.term_id')} AND {public}"),
        # Only editors see a link to a draft, and any link of a draft.
        log(
            "edit",
            f"SELECT id, slug AS key FROM terms_term WHERE id = {row}.term_id "
            f"AND (status <> {PUBLISHED} OR NOT {public})",
        ),
    ]


TRIGGERS = [
    Trigger(
        "terms_term_publish",
        "terms_term",
        "INSERT",
        f"NEW.status = {PUBLISHED}",
        [log("term", term("NEW")), log("category", category("NEW.category_id"))],
    ),
    Trigger(
        "terms_term_unpublish",
        "terms_term",
        "UPDATE",
        f"OLD.status = {PUBLISHED} AND NEW.status <> {PUBLISHED}",
        [log("term", term("OLD"), deleted=True)],
    ),
    Trigger(
        "terms_term_rename",
        "terms_term",
        "UPDATE",
        f"OLD.status = {PUBLISHED} AND NEW.status = {PUBLISHED} "
        "AND OLD.slug <> NEW.slug",
        [log("term", term("OLD"), deleted=True, renamed="NEW.slug")],
    ),
    Trigger(
        "terms_term_update",
        "terms_term",
        "UPDATE",
        f"NEW.status = {PUBLISHED} AND ({changed(TERM_COLUMNS)})",
        [log("term", term("NEW"))],
    ),
    Trigger(
        "terms_term_shown",
        "terms_term",
        "UPDATE",
        f"(OLD.status = {PUBLISHED} OR NEW.status = {PUBLISHED}) "
        f"AND ({changed(TERM_SHOWN)})",
        [
            log(
                "term",
                "SELECT t.id AS id, t.slug AS key FROM terms_term t "
                "JOIN terms_seealso s ON s.term_id = t.id "
                f"WHERE s.target_id = NEW.id AND t.status = {PUBLISHED}",
            ),
            log(
                "source",
                "SELECT s.id AS id, s.key AS key FROM terms_source s "
                "JOIN terms_citation c ON c.source_id = s.id "
                "WHERE c.term_id = NEW.id",
            ),
        ],
    ),
    Trigger(
        "terms_term_category",
        "terms_term",
        "UPDATE",
        f"(OLD.status = {PUBLISHED} OR NEW.status = {PUBLISHED}) "
        f"AND ({changed(['status', 'category_id'])})",
        [
            log("category", category("OLD.category_id")),
            log(
                "category",
                f"{category('NEW.category_id')} "
                "AND NEW.category_id {distinct} OLD.category_id",
            ),
        ],
    ),
    Trigger(
        "terms_term_delete",
        "terms_term",
        "DELETE",
        f"OLD.status = {PUBLISHED}",
        [
            log("term", term("OLD"), deleted=True),
            log("category", category("OLD.category_id")),
        ],
    ),
    Trigger(
        "terms_term_draft_insert",
        "terms_term",
        "INSERT",
        f"NEW.status <> {PUBLISHED}",
        [log("edit", term("NEW"))],
    ),
    Trigger(
        "terms_term_draft_update",
        "terms_term",
        "UPDATE",
        f"NEW.status <> {PUBLISHED} AND ({changed(TERM_COLUMNS)})",
        [log("edit", term("NEW"))],
    ),
    *child_triggers("terms_alias", alias_changes),
    *child_triggers("terms_citation", citation_changes),
    *child_triggers("terms_seealso", see_also_changes),
    Trigger(
        "terms_source_insert",
        "terms_source",
        "INSERT",
        "TRUE",
        [log("source", "SELECT NEW.id AS id, NEW.key AS key")],
    ),
    Trigger(
        "terms_source_update",
        "terms_source",
        "UPDATE",
        changed(SOURCE_COLUMNS),
        [
            log("source", "SELECT NEW.id AS id, NEW.key AS key"),
            log(
                "term",
                "SELECT t.id AS id, t.slug AS key FROM terms_term t "
                "JOIN terms_citation c ON c.term_id = t.id "
                f"WHERE c.source_id = NEW.id AND t.status = {PUBLISHED}",
            ),
        ],
    ),
    Trigger(
        "terms_source_rename",
        "terms_source",
        "UPDATE",
        "OLD.key <> NEW.key",
        [
            log(
                "source",
                "SELECT OLD.id AS id, OLD.key AS key",
                deleted=True,
                renamed="NEW.key",
            )
        ],
    ),
    Trigger(
        "terms_source_delete",
        "terms_source",
        "DELETE",
        "TRUE",
        [log("source", "SELECT OLD.id AS id, OLD.key AS key", deleted=True)],
    ),
    Trigger(
        "terms_category_insert",
        "terms_category",
        "INSERT",
        "TRUE",
        [log("category", "SELECT NEW.id AS id, NEW.slug AS key")],
    ),
    Trigger(
        "terms_category_rename",
        "terms_category",
        "UPDATE",
        "OLD.slug <> NEW.slug",
        [
            log(
                "category",
                "SELECT OLD.id AS id, OLD.slug AS key",
                deleted=True,
                renamed="NEW.slug",
            )
        ],
    ),
    Trigger(
        "terms_category_update",
        "terms_category",
        "UPDATE",
        changed(CATEGORY_COLUMNS),
        [
            log("category", "SELECT NEW.id AS id, NEW.slug AS key"),
            log(
                "term",
                "SELECT id, slug AS key FROM terms_term "
                f"WHERE category_id = NEW.id AND status = {PUBLISHED}",
            ),
        ],
    ),
    Trigger(
        "terms_category_delete",
        "terms_category",
        "DELETE",
        "TRUE",
        [log("category", "SELECT OLD.id AS id, OLD.slug AS key", deleted=True)],
    ),
]


def create(vendor: str) -> list[str]:
    """The statements that create every trigger (again: they replace or
    skip what exists, as SQLite must rerun them after table rebuilds)."""
    words = DIALECTS[vendor]
    statements = []
    for t in TRIGGERS:
        when = t.when.format(**words)
        body = [s.format(**words) for s in t.statements]
        if vendor == "sqlite":
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {t.name}_log AFTER {t.event} ON "
                f"{t.table} FOR EACH ROW WHEN {when} BEGIN "
                + "".join(f"{s}; " for s in body)
                + "END"
            )
        else:
            statements += [
                f"CREATE OR REPLACE FUNCTION {t.name}_log() RETURNS trigger AS $$ "
                f"BEGIN {SERIALISE}; "
                + "".join(f"{s}; " for s in body)
                + "RETURN NULL; END "
                "$$ LANGUAGE plpgsql",
                f"DROP TRIGGER IF EXISTS {t.name}_log ON {t.table}",
                f"CREATE TRIGGER {t.name}_log AFTER {t.event} ON {t.table} "
                f"FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION {t.name}_log()",
            ]
    return statements


def drop(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {t.name}_log" for t in TRIGGERS]
    return [
        statement
        for t in TRIGGERS
        for statement in (
            f"DROP TRIGGER IF EXISTS {t.name}_log ON {t.table}",
            f"DROP FUNCTION IF EXISTS {t.name}_log()",
        )
    ]
