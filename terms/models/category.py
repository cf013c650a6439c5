from django.db import models
from simple_history.models import HistoricalRecords

from terms.validators import validate_visible_text

from .base import ContentModel
from .managers import SlugManager


class Category(ContentModel):
    name = models.CharField(
        "name", max_length=100, unique=True, validators=[validate_visible_text]
    )
    slug = models.SlugField("slug", max_length=100, unique=True)
    description = models.TextField("description", blank=True)

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "category"
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)
