from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from terms.folding import Fold
from terms.validators import validate_not_future

from .category import Category
from .links import Citation, SeeAlso
from .managers import SlugManager
from .names import Alias, OldSlug
from .source import Source


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
