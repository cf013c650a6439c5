from django.db import models


class Change(models.Model):
    """One public resource whose representation a committed write changed.

    Database triggers write these (terms/changes/triggers.py), in the
    write's own transaction, whoever writes: the admin, the API, the import,
    loaddata, save(), queryset update() and delete(), a restore, raw SQL.
    `seq` only grows, so a reader that has seen every change up to N asks
    for those after N (the sync feed). A term that is unpublished, deleted
    or renamed leaves a tombstone for its old slug, naming the new one.
    """

    class Kind(models.TextChoices):
        TERM = "term", "term"
        SOURCE = "source", "source"
        CATEGORY = "category", "category"

    seq = models.BigAutoField("sequence number", primary_key=True)
    kind = models.CharField("kind", max_length=10, choices=Kind.choices)
    resource_id = models.BigIntegerField("resource id")
    # A term's or category's slug, a source's citation key.
    key = models.CharField("key", max_length=200)
    deleted = models.BooleanField("tombstone", default=False)
    renamed_to = models.CharField("renamed to", max_length=200, blank=True)
    changed_at = models.DateTimeField("changed at")

    class Meta:
        ordering = ["seq"]
        verbose_name = "change"

    def __str__(self):
        what = "deleted" if self.deleted else "changed"
        return f"{self.seq}: {self.kind} {self.key} {what}"


class Pruning(models.Model):
    """How far the change log has been pruned (terms/changes/retention.py):
    every change up to `seq` is gone. One row, since the log itself cannot
    say once its oldest rows, or all of them, are deleted; a sync cursor
    before `seq` has missed changes, and its client must start again."""

    seq = models.BigIntegerField("pruned through", default=0)

    class Meta:
        ordering = ["pk"]
        verbose_name = "change log pruning"

    def __str__(self):
        return f"changes up to {self.seq} pruned"

    @classmethod
    def through(cls) -> int:
        # The first prune creates the row.
        return cls.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
