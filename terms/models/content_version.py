from datetime import UTC, datetime

from django.db import connection, models
from django.utils import timezone


class ContentVersion(models.Model):
    """A counter that database triggers bump on every write to the glossary.

    It is what the API's validators (ETag, Last-Modified) are made of: one
    indexed read tells whether anything a response could show has changed.
    Triggers, not signals, keep it, because only the database sees every
    write: the admin, the API, loaddata, bulk updates and raw SQL alike.
    """

    version = models.BigIntegerField("version", default=0)
    changed_at = models.DateTimeField("changed at")

    class Meta:
        verbose_name = "content version"

    def __str__(self):
        return f"version {self.version} at {self.changed_at.isoformat()}"

    @classmethod
    def lock(cls):
        """Hold the version row until the transaction ends: writers queue here.

        A no-op UPDATE takes the row lock on PostgreSQL and the write lock
        on SQLite, where a plain SELECT would take neither.
        """
        cls.current()
        cls.objects.filter(pk=1).update(version=models.F("version"))

    @classmethod
    def stamp(cls) -> tuple[int, datetime]:
        """(version, changed_at) in one plain query: every read asks for it,
        so it skips the ORM's query building."""
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT version, changed_at FROM {table} WHERE id = 1")
            row = cursor.fetchone()
        if row is None:
            current = cls.current()
            return current.version, current.changed_at
        version, changed_at = row
        # SQLite hands back text; the ORM would have converted it.
        if not isinstance(changed_at, datetime):
            changed_at = cls._meta.get_field("changed_at").to_python(changed_at)
        if timezone.is_naive(changed_at):
            changed_at = timezone.make_aware(changed_at, UTC)
        return version, changed_at

    @classmethod
    def current(cls) -> "ContentVersion":
        # The migration creates the row; a test database flush removes it.
        row, _ = cls.objects.get_or_create(
            pk=1, defaults={"changed_at": timezone.now()}
        )
        return row
