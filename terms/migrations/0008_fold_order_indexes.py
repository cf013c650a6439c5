"""PostgreSQL indexes for the alphabetical order, glossary_fold(name), name, id.

Lists sort by folded name (Term.Meta.ordering) and autocomplete by the
folded name that matched; without these, each page sorts the whole table.
Under the C collation they also serve autocomplete's prefix LIKE. (SQLite's
glossary_fold is a Python function registered per connection, which an index
must not depend on.)
"""

from django.db import migrations

FORWARD = [
    "CREATE INDEX terms_term_fold_order ON terms_term (glossary_fold(name), name, id)",
    "CREATE INDEX terms_alias_fold_order ON terms_alias (glossary_fold(name), name)",
]
BACKWARD = ["DROP INDEX terms_term_fold_order", "DROP INDEX terms_alias_fold_order"]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("terms", "0007_name_constraint_code")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
