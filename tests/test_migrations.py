from django.core.management import call_command


def test_models_and_migrations_agree(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_every_change_log_trigger_exists_after_migrating(db):
    """They keep the change log, and so every validator, current; SQLite
    loses them on table rebuilds, which later migrations do, and gets them
    back after migrating."""
    from django.db import connection

    from terms.changes import triggers

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        names = {row[0] for row in cursor.fetchall()}
    assert {f"{t.name}_log" for t in triggers.TRIGGERS} <= names
    assert not any("content_version" in name for name in names)
