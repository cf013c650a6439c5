from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from terms.validators import validate_http_url, validate_identifier, validate_year

from .base import ContentModel


class SourceManager(models.Manager):
    def get_by_natural_key(self, key):
        return self.get(key=key)

    def with_citing(self, terms):
        """Sources with the citations of `terms` (those a reader may see),
        each with its term, in the order a source lists them."""
        from .links import Citation

        citing = Citation.objects.filter(term__in=terms)
        return self.prefetch_related(
            models.Prefetch(
                "citations",
                queryset=citing.select_related("term").order_by("term__name", "role"),
            )
        )


class Source(ContentModel):
    class Kind(models.TextChoices):
        PAPER = "paper", "paper"
        ARTICLE = "article", "article"
        BOOK = "book", "book"
        REPORT = "report", "report"
        WEBPAGE = "webpage", "web page"

    key = models.SlugField(
        "citation key",
        max_length=100,
        unique=True,
        help_text="A short stable key, like a BibTeX key: bai2022constitutional.",
    )
    title = models.CharField("title", max_length=500)
    authors = models.CharField(
        "authors", max_length=300, help_text="As cited: “Bai et al.”"
    )
    publisher = models.CharField(
        "publisher", max_length=200, blank=True, help_text="Organisation or venue."
    )
    year = models.PositiveSmallIntegerField("year", validators=[validate_year])
    identifier = models.CharField(
        "identifier",
        max_length=200,
        blank=True,
        validators=[validate_identifier],
        help_text="arXiv id (arXiv:2212.08073) or DOI (10.1000/xyz).",
    )
    url = models.URLField("URL", max_length=500, validators=[validate_http_url])
    kind = models.CharField(
        "kind", max_length=20, choices=Kind.choices, default=Kind.PAPER
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    objects = SourceManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["identifier"],
                condition=~Q(identifier=""),
                name="source_identifier_unique",
                violation_error_message="Another source has this identifier.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.authors}, {self.year})"

    def get_absolute_url(self):
        return reverse("api:source-detail", kwargs={"pk": self.pk})

    def natural_key(self):
        return (self.key,)

    def reference(self) -> str:
        """The reference as the seed's numbered sources print it."""
        parts = [self.title, self.authors, self.publisher, self.identifier]
        head = ", ".join(part for part in parts if part)
        return f"{head}, {self.year}. {self.url}"

    def short_reference(self) -> str:
        """The shorter form the seed's "Further reading" prints."""
        publisher = f"{self.publisher} {self.year}" if self.publisher else self.year
        return f"{self.title}, {self.authors}, {publisher}"
