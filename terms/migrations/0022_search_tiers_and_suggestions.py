"""Indexes for a search's pages at any size, and for its suggestions.

PostgreSQL: a GIN index of head_vector, so that the first two tiers of a
search (the query within the names and aliases, or those and the summary:
terms/search.py) are found without reading the matching rows' full
vectors; and pg_trgm's GIN trigram indexes of the folded names and aliases,
for "did you mean" (terms/spelling.py). SQLite: an FTS5 trigram table of
the folded names and aliases for the same, filled here and kept by the
triggers of terms/search_index.py (created after every migrate, as the
full-text table's are: terms/apps.py).
"""

from django.db import migrations

POSTGRES_FORWARD = [
    # pg_trgm is a trusted extension: a database owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX terms_term_head_vector_gin ON terms_term USING gin (head_vector)",
    "CREATE INDEX terms_term_name_trigrams "
    "ON terms_term USING gin (glossary_fold(name) gin_trgm_ops)",
    "CREATE INDEX terms_alias_name_trigrams "
    "ON terms_alias USING gin (glossary_fold(name) gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX terms_alias_name_trigrams",
    "DROP INDEX terms_term_name_trigrams",
    "DROP INDEX terms_term_head_vector_gin",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS terms_term_trigrams "
    "USING fts5(names, tokenize = 'trigram')",
    "INSERT INTO terms_term_trigrams (rowid, names) "
    "SELECT t.id, t.name_order || ' ' || coalesce((SELECT "
    "group_concat(a.name_order, ' ') FROM terms_alias a WHERE a.term_id = t.id), "
    "'') FROM terms_term t",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS terms_term_trigrams"]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("terms", "0021_prose_line_ends")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
