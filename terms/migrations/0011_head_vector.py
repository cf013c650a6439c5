"""Term.head_vector: name and aliases (weight A) and summary (B).

Search ranks its matches in tiers: the whole query within the name or an
alias, then within those and the summary, then anywhere (terms/search.py).
Ranking on search_vector read the whole vector, definition included,
several times per matching row, and at 100,000 terms a common word matches
thousands of rows. The head is a few hundred bytes, kept beside the full
vector by the same trigger, which now reads the aliases once for both.
"""

import django.contrib.postgres.search
from django.db import migrations

TRIGGER = """
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
OLD_TRIGGER = """
CREATE OR REPLACE FUNCTION terms_term_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('glossary', NEW.name || ' ' || coalesce(
      (SELECT string_agg(name, ' ') FROM terms_alias WHERE term_id = NEW.id),
      '')), 'A')
    || setweight(to_tsvector('glossary', NEW.summary), 'B')
    || setweight(to_tsvector('glossary', NEW.definition), 'C');
  RETURN NEW;
END $$ LANGUAGE plpgsql
"""
# Fill the new column: touching the name runs the trigger.
FORWARD = [TRIGGER, "UPDATE terms_term SET name = name"]
BACKWARD = [OLD_TRIGGER]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("terms", "0010_fold_prefix_indexes")]

    operations = [
        migrations.AddField(
            model_name="term",
            name="head_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, verbose_name="head vector"
            ),
        ),
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]
