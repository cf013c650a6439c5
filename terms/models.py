from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from .folding import Fold
from .validators import (
    validate_http_url,
    validate_identifier,
    validate_not_future,
    validate_year,
)


class SlugManager(models.Manager):
    """Natural keys by slug, so fixtures never depend on primary keys."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Category(models.Model):
    name = models.CharField("name", max_length=100, unique=True)
    slug = models.SlugField("slug", max_length=100, unique=True)
    description = models.TextField("description", blank=True)

    objects = SlugManager()

    class Meta:
        ordering = ["name"]
        verbose_name = "category"
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class SourceManager(models.Manager):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class Source(models.Model):
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


class TermQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Term.Status.PUBLISHED)

    def visible_to(self, user):
        """What a reader may see: staff see drafts too, everyone else not."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()

    def never_reviewed(self):
        return self.filter(last_reviewed__isnull=True)

    def review_overdue(self, today=None):
        """Reviewed longer ago than the review interval allows."""
        today = today or timezone.localdate()
        interval = timedelta(days=settings.GLOSSARY_REVIEW_INTERVAL_DAYS)
        return self.filter(last_reviewed__lt=today - interval)

    def mark_reviewed(self, user) -> int:
        return self.update(
            last_reviewed=timezone.localdate(),
            reviewed_by=user,
            updated_at=timezone.now(),
        )

    def with_related(self, linkable=None):
        """Everything a term's detail shows, in a fixed number of queries.

        `linkable` limits see-also targets (anonymous readers never see a
        link to a draft); by default only published targets are shown.
        """
        if linkable is None:
            linkable = Term.objects.published()
        return self.select_related("category").prefetch_related(
            Prefetch("aliases", queryset=Alias.objects.order_by("name")),
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related("source").order_by(
                    "role", "position", "id"
                ),
            ),
            Prefetch(
                "see_also_links",
                queryset=SeeAlso.objects.filter(target__in=linkable)
                .select_related("target")
                .order_by("position", "id"),
            ),
        )


class Term(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "draft"
        PUBLISHED = "published", "published"

    name = models.CharField("name", max_length=200)
    slug = models.SlugField("slug", max_length=200, unique=True)
    title = models.CharField(
        "page title",
        max_length=300,
        blank=True,
        help_text="The page headline, e.g. “What is AI alignment? …”",
    )
    summary = models.CharField(
        "summary",
        max_length=500,
        blank=True,
        help_text="Plain text, a sentence or two: used in lists and tooltips.",
    )
    definition = models.TextField("definition", blank=True, help_text="Markdown.")
    example = models.TextField("concrete example", blank=True, help_text="Markdown.")
    category = models.ForeignKey(
        Category,
        verbose_name="category",
        on_delete=models.PROTECT,
        related_name="terms",
        null=True,
        blank=True,
    )
    status = models.CharField(
        "status",
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    last_reviewed = models.DateField(
        "last reviewed", null=True, blank=True, validators=[validate_not_future]
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="reviewed by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True, db_index=True)
    see_also = models.ManyToManyField(
        "self",
        verbose_name="see also",
        through="SeeAlso",
        symmetrical=False,
        related_name="+",
        blank=True,
    )
    sources = models.ManyToManyField(
        Source, verbose_name="sources", through="Citation", related_name="terms"
    )
    # Kept by a PostgreSQL trigger (see migration 0002); unused on SQLite.
    search_vector = SearchVectorField("search vector", null=True, editable=False)

    objects = SlugManager.from_queryset(TermQuerySet)()

    class Meta:
        # Alphabetical whatever the case and accents, the same on every database.
        ordering = [Fold("name"), "name", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="term_name_ci_unique",
                violation_error_message="A term with this name already exists.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("api:term-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def permalink(self) -> str:
        return settings.GLOSSARY_TERM_URL.format(slug=self.slug)

    def keep_old_slug(self, old_slug: str):
        """Record a slug the term no longer uses, so its old links redirect."""
        if old_slug and old_slug != self.slug:
            OldSlug.objects.update_or_create(slug=old_slug, defaults={"term": self})
        OldSlug.objects.filter(slug=self.slug).delete()


class AliasManager(models.Manager):
    def get_by_natural_key(self, name, term_slug):
        return self.get(name=name, term__slug=term_slug)


class Alias(models.Model):
    class Kind(models.TextChoices):
        SYNONYM = "synonym", "synonym"
        ABBREVIATION = "abbreviation", "abbreviation"

    term = models.ForeignKey(
        Term, verbose_name="term", on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField("alias", max_length=200)
    kind = models.CharField(
        "kind", max_length=20, choices=Kind.choices, default=Kind.SYNONYM
    )

    objects = AliasManager()

    class Meta:
        ordering = ["term", "name"]
        verbose_name_plural = "aliases"
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


class OldSlug(models.Model):
    """A slug a term used before it was renamed; it answers with a redirect."""

    term = models.ForeignKey(
        Term, verbose_name="term", on_delete=models.CASCADE, related_name="old_slugs"
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


class CitationManager(models.Manager):
    def get_by_natural_key(self, term_slug, source_key, role):
        return self.get(term__slug=term_slug, source__key=source_key, role=role)


class Citation(models.Model):
    class Role(models.TextChoices):
        SOURCE = "source", "source"
        FURTHER_READING = "further_reading", "further reading"

    term = models.ForeignKey(
        Term, verbose_name="term", on_delete=models.CASCADE, related_name="citations"
    )
    source = models.ForeignKey(
        Source,
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
        return f"{self.term} cites {self.source.key}"

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


class SeeAlso(models.Model):
    term = models.ForeignKey(
        Term,
        verbose_name="term",
        on_delete=models.CASCADE,
        related_name="see_also_links",
    )
    target = models.ForeignKey(
        Term, verbose_name="see also", on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField("position", default=0)

    objects = SeeAlsoManager()

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
    def current(cls) -> "ContentVersion":
        # The migration creates the row; a test database flush removes it.
        row, _ = cls.objects.get_or_create(
            pk=1, defaults={"changed_at": timezone.now()}
        )
        return row
