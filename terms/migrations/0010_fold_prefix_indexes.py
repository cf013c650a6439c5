"""PostgreSQL indexes for autocomplete: folded names in code-point order.

Autocomplete filters on `glossary_fold(name) COLLATE "C" LIKE 'prefix%'` and
orders by the same expression (terms.folding.FoldKey). Under the C collation
the prefix is an index range and the order is the index's, so a suggestion
list reads a handful of index entries even at 100,000 terms; the covering
columns spare the table. These replace 0003's text_pattern_ops indexes,
which served the LIKE but not the ORDER BY, so every match was sorted.
"""

from django.db import migrations

FORWARD = [
    "DROP INDEX IF EXISTS terms_term_name_fold",
    "DROP INDEX IF EXISTS terms_alias_name_fold",
    """
    CREATE INDEX terms_term_fold_prefix
      ON terms_term ((glossary_fold(name) COLLATE "C"), name) INCLUDE (slug, status)
    """,
    """
    CREATE INDEX terms_alias_fold_prefix
      ON terms_alias ((glossary_fold(name) COLLATE "C"), name) INCLUDE (term_id)
    """,
]
BACKWARD = [
    "DROP INDEX terms_alias_fold_prefix",
    "DROP INDEX terms_term_fold_prefix",
    """
    CREATE INDEX terms_term_name_fold
      ON terms_term (glossary_fold(name) text_pattern_ops)
    """,
    """
    CREATE INDEX terms_alias_name_fold
      ON terms_alias (glossary_fold(name) text_pattern_ops)
    """,
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("terms", "0009_markdown_limits")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
