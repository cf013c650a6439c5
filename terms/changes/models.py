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
        # A change only editors see (terms/changes/triggers.py).
        EDIT = "edit", "draft edit"

    PUBLIC = [Kind.TERM, Kind.SOURCE, Kind.CATEGORY]

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
        # A resource's version: its latest change.
        indexes = [
            models.Index(
                fields=["resource_id", "kind", "seq"], name="terms_change_version"
            ),
            models.Index(fields=["kind", "seq"], name="terms_change_kind_head"),
        ]

    def __str__(self):
        what = "deleted" if self.deleted else "changed"
        return f"{self.seq}: {self.kind} {self.key} {what}"


class Document(models.Model):
    """A published term's public representations, as its endpoints serve
    them, built after it changed (terms/changes/documents.py): a read sends
    these bytes. `version` is the term's public version they were built at;
    a document older than the term's latest change is not served, nor one
    whose review state `fresh_until` has passed. Absolute URLs in it start
    with documents.ORIGIN, which a read replaces with its own."""

    term = models.OneToOneField(
        "terms.Term",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="document",
    )
    slug = models.SlugField("slug", max_length=200)
    version = models.BigIntegerField("version")
    changed_at = models.DateTimeField("changed at", null=True)
    fresh_until = models.DateField("fresh until", null=True)
    # Documents built before a field was added, or a permalink's template
    # changed, are of another shape (terms/api/shape.py): not served.
    shape = models.CharField("shape", max_length=16, default="")
    detail = models.TextField("JSON")
    jsonld = models.TextField("JSON-LD")
    compact = models.TextField("compact JSON", help_text="As lists show it.")

    class Meta:
        verbose_name = "stored document"

    def __str__(self):
        return f"{self.slug} at version {self.version}"


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
