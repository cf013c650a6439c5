from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from terms.folding import fold
from terms.validators import validate_visible_text

from .base import ContentModel
from .fields import DerivedKeyField
from .managers import SlugManager


class AliasManager(models.Manager):
    def get_by_natural_key(self, name, term_slug):
        return self.get(name=name, term__slug=term_slug)


class Alias(ContentModel):
    class Kind(models.TextChoices):
        SYNONYM = "synonym", "synonym"
        ABBREVIATION = "abbreviation", "abbreviation"

    term = models.ForeignKey(
        "terms.Term",
        verbose_name="term",
        on_delete=models.CASCADE,
        related_name="aliases",
    )
    name = models.CharField("alias", max_length=200, validators=[validate_visible_text])
    kind = models.CharField(
        "kind", max_length=20, choices=Kind.choices, default=Kind.SYNONYM
    )
    # The alias folded, for autocomplete's prefix range on SQLite (PostgreSQL
    # folds in an expression index of its own: migration 0010).
    name_order = DerivedKeyField(
        "alias folded", max_length=600, default="", source="name", derive=fold
    )

    objects = AliasManager()
    history = HistoricalRecords(excluded_fields=["name_order"])

    class Meta:
        ordering = ["term", "name"]
        verbose_name_plural = "aliases"
        indexes = [models.Index(fields=["name_order"], name="terms_alias_order")]
        constraints = [
            models.UniqueConstraint(
                "term",
                Lower("name"),
                name="alias_unique_per_term",
                violation_error_message="The term already has this alias.",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name, *self.term.natural_key())

    natural_key.dependencies = ["terms.term"]


class OldSlug(ContentModel):
    """A slug a term used before it was renamed; it answers with a redirect."""

    # A live slug answers with its own term, so it can never redirect.
    IN_USE = "A term uses this slug, so it cannot redirect to another term."

    term = models.ForeignKey(
        "terms.Term",
        verbose_name="term",
        on_delete=models.CASCADE,
        related_name="old_slugs",
    )
    slug = models.SlugField("old slug", max_length=200, unique=True)
    created_at = models.DateTimeField("retired", auto_now_add=True)

    objects = SlugManager()

    class Meta:
        ordering = ["slug"]
        verbose_name = "old slug"

    def __str__(self):
        return self.slug

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        from .term import Term

        if Term.objects.filter(slug=self.slug).exists():
            raise ValidationError(
                {"slug": ValidationError(self.IN_USE, code="slug_in_use")}
            )
