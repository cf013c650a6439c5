from django.db import migrations

# SQLite only; PostgreSQL searches its search_vector (0003, 0011). The table
# is filled here; its triggers (terms/search_index.py) are created after
# every migrate, as the change log's are (terms/apps.py).
CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS terms_term_fts USING fts5("
    "names, summary, definition, "
    "tokenize = 'porter unicode61 remove_diacritics 2')"
)
FILL = (
    "INSERT INTO terms_term_fts (rowid, names, summary, definition) "
    "SELECT t.id, t.name || ' ' || coalesce((SELECT group_concat(a.name, ' ') "
    "FROM terms_alias a WHERE a.term_id = t.id), ''), t.summary, t.definition "
    "FROM terms_term t"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)
        schema_editor.execute(FILL)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS terms_term_fts")


class Migration(migrations.Migration):
    dependencies = [("terms", "0018_outbox")]

    operations = [migrations.RunPython(create_index, drop_index)]
