"""Indexes for a search's pages at any size, and for its suggestions.

PostgreSQL:
- Term.names_vector, the name and aliases (weight A) on their own, kept by
  the search trigger beside the head and whole vectors, each built on the
  one before. A search's first tier (the query within the names: terms/
  search.py) is then one GIN-indexed vector with statistics of its own, as
  the second (the head) is: the planner can tell a tier that a walk of the
  alphabetical index fills at once from one it must look up.
- GIN indexes of the names and the head vectors.
- pg_trgm's GIN trigram indexes of the folded names and aliases, for "did
  you mean" (terms/spelling.py).

SQLite: an FTS5 trigram table of the folded names and aliases for the
same, filled here and kept by the triggers of terms/search_index.py
(created after every migrate, as the full-text table's are: terms/apps.py).

Filling names_vector rewrites every term row once (no change is logged:
the change log's triggers compare the columns readers see).
"""

import django.contrib.postgres.search
from django.db import migrations

TRIGGER = """
CREATE OR REPLACE FUNCTION terms_term_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.names_vector :=
    setweight(to_tsvector('glossary', NEW.name || ' ' || coalesce(
      (SELECT string_agg(name, ' ') FROM terms_alias WHERE term_id = NEW.id),
      '')), 'A');
  NEW.head_vector :=
    NEW.names_vector || setweight(to_tsvector('glossary', NEW.summary), 'B');
  NEW.search_vector :=
    NEW.head_vector || setweight(to_tsvector('glossary', NEW.definition), 'C');
  RETURN NEW;
END $$ LANGUAGE plpgsql
"""
OLD_TRIGGER = """
CREATE OR REPLACE FUNCTION terms_term_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.head_vector :=
    setweight(to_tsvector('glossary', NEW.name || ' ' || coalesce(
      (SELECT string_agg(name, ' ') FROM terms_alias WHERE term_id = NEW.id),
      '')), 'A')
    || setweight(to_tsvector('glossary', NEW.summary), 'B');
  NEW.search_vector :=
    NEW.head_vector || setweight(to_tsvector('glossary', NEW.definition), 'C');
  RETURN NEW;
END $$ LANGUAGE plpgsql
"""
POSTGRES_FORWARD = [
    TRIGGER,
    # The names part of the head, as the trigger now computes it.
    "UPDATE terms_term SET names_vector = ts_filter(head_vector, '{a}')",
    "CREATE INDEX terms_term_names_vector_gin ON terms_term USING gin (names_vector)",
    "CREATE INDEX terms_term_head_vector_gin ON terms_term USING gin (head_vector)",
    # pg_trgm is a trusted extension: a database owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX terms_term_name_trigrams "
    "ON terms_term USING gin (glossary_fold(name) gin_trgm_ops)",
    "CREATE INDEX terms_alias_name_trigrams "
    "ON terms_alias USING gin (glossary_fold(name) gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX terms_alias_name_trigrams",
    "DROP INDEX terms_term_name_trigrams",
    "DROP INDEX terms_term_head_vector_gin",
    "DROP INDEX terms_term_names_vector_gin",
    OLD_TRIGGER,
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
    dependencies = [("terms", "0023_index_letter")]

    operations = [
        migrations.AddField(
            model_name="term",
            name="names_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, verbose_name="names vector"
            ),
        ),
        migrations.RunPython(
            run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
