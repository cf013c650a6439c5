from django.core.management import call_command


def test_models_and_migrations_agree(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_every_glossary_table_has_its_content_version_triggers(db):
    """They keep HTTP validators current; SQLite loses them on table rebuilds,
    which later migrations do, and gets them back after migrating."""
    from django.db import connection

    tables = ["term", "alias", "category", "source", "citation", "seealso", "oldslug"]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        names = {row[0] for row in cursor.fetchall()}
    for table in tables:
        assert any(name.startswith(f"terms_{table}_content_version") for name in names)
