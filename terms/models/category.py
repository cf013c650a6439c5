from django.db import models
from simple_history.models import HistoricalRecords

from terms.validators import validate_visible_text

from .base import ContentModel
from .managers import SlugManager


class CategoryManager(SlugManager):
    def with_term_counts(self):
        """Categories with `term_count`, their number of published terms."""
        published = models.Q(terms__status="published")
        counted = self.annotate(term_count=models.Count("terms", filter=published))
        return counted.order_by("name")  # an aggregate drops Meta.ordering


class Category(ContentModel):
    name = models.CharField(
        "name", max_length=100, unique=True, validators=[validate_visible_text]
    )
    slug = models.SlugField("slug", max_length=100, unique=True)
    description = models.TextField("description", blank=True)

    objects = CategoryManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "category"
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)
