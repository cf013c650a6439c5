from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate


class TermsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "terms"
    verbose_name = "glossary"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .folding import register_sqlite_functions

        connection_created.connect(register_sqlite_functions)
        pre_migrate.connect(drop_sqlite_triggers, sender=self)
        post_migrate.connect(restore_sqlite_triggers, sender=self)


def drop_sqlite_triggers(sender, using, **kwargs):
    """Take the change log's triggers away while migrations run on SQLite.

    A migration that rebuilds a table (most field changes do) drops the old
    one for a moment, and SQLite then refuses any schema change while another
    table's trigger names the missing table. restore_sqlite_triggers puts
    them back after; a data migration that changes public content must log
    its changes itself."""
    from terms import search_index
    from terms.changes import triggers

    run_on_sqlite(
        using, lambda connection: [*triggers.drop("sqlite"), *search_index.drop()]
    )


def restore_sqlite_triggers(sender, using, **kwargs):
    """Put back the change log's and the search index's triggers after
    migrating on SQLite; without them, HTTP validators would stop changing
    after an edit, and search would not find it."""
    from terms import search_index
    from terms.changes import triggers

    run_on_sqlite(
        using,
        lambda connection: [
            *triggers.create("sqlite"),
            *search_index.create(connection),
        ],
    )


def run_on_sqlite(using: str, statements_of):
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for statement in statements_of(connection):
            cursor.execute(statement)


class GlossaryAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the glossary's admin site (its front page
    shows the review workload)."""

    default = False
    default_site = "terms.admin_site.GlossaryAdminSite"
