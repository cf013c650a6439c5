from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from terms.validators import validate_not_future

from .base import ContentModel


class CitationManager(models.Manager):
    def get_by_natural_key(self, term_slug, source_key, role):
        return self.get(term__slug=term_slug, source__key=source_key, role=role)


class Citation(ContentModel):
    class Role(models.TextChoices):
        SOURCE = "source", "source"
        FURTHER_READING = "further_reading", "further reading"

    term = models.ForeignKey(
        "terms.Term",
        verbose_name="term",
        on_delete=models.CASCADE,
        related_name="citations",
    )
    source = models.ForeignKey(
        "terms.Source",
        verbose_name="source",
        on_delete=models.PROTECT,
        related_name="citations",
    )
    role = models.CharField(
        "role", max_length=20, choices=Role.choices, default=Role.SOURCE
    )
    position = models.PositiveSmallIntegerField(
        "position", default=0, help_text="Sources are numbered in this order."
    )
    accessed = models.DateField(
        "accessed", null=True, blank=True, validators=[validate_not_future]
    )

    objects = CitationManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["term", "role", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "source", "role"],
                name="citation_unique_per_role",
                violation_error_message="This source is already cited in this role.",
            ),
        ]

    def __str__(self):
        return f"{self.term}: {self.source.title} ({self.get_role_display()})"

    def natural_key(self):
        return (*self.term.natural_key(), *self.source.natural_key(), self.role)

    natural_key.dependencies = ["terms.term", "terms.source"]

    @property
    def citation(self) -> str:
        """The formatted line, exactly as the seed page prints it."""
        if self.role == self.Role.FURTHER_READING:
            return self.source.short_reference()
        line = self.source.reference()
        if self.accessed:
            line += f" (accessed {self.accessed.isoformat()})"
        return line


class SeeAlsoManager(models.Manager):
    def get_by_natural_key(self, term_slug, target_slug):
        return self.get(term__slug=term_slug, target__slug=target_slug)


class SeeAlso(ContentModel):
    term = models.ForeignKey(
        "terms.Term",
        verbose_name="term",
        on_delete=models.CASCADE,
        related_name="see_also_links",
    )
    target = models.ForeignKey(
        "terms.Term",
        verbose_name="see also",
        on_delete=models.CASCADE,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField("position", default=0)

    objects = SeeAlsoManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["term", "position", "id"]
        verbose_name = "see-also link"
        constraints = [
            models.UniqueConstraint(
                fields=["term", "target"],
                name="see_also_unique",
                violation_error_message="This term is already linked.",
            ),
            models.CheckConstraint(
                condition=~Q(term=F("target")),
                name="see_also_not_self",
                violation_error_message="A term cannot link to itself.",
            ),
        ]

    def __str__(self):
        return f"{self.term} → {self.target}"

    def natural_key(self):
        return (*self.term.natural_key(), *self.target.natural_key())

    natural_key.dependencies = ["terms.term"]
