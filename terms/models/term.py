from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_update_with_history

from terms import review
from terms.folding import fold
from terms.letters import IndexLetter
from terms.lookalikes import lookalike_key, name_clash
from terms.validators import (
    MARKDOWN_MAX_LENGTH,
    validate_markdown,
    validate_not_future,
    validate_visible_text,
)

from .base import ContentModel
from .category import Category
from .fields import DerivedKeyField, ProseField, ShortProseField
from .links import Citation, SeeAlso
from .managers import SlugManager
from .names import Alias, OldSlug
from .source import Source

# The search vectors: for the database's search, not for readers.
VECTORS = ["search_vector", "head_vector", "names_vector"]
# What a see-also link shows of its target (not its long text).
SEE_ALSO_FIELDS = [
    "term_id",
    "position",
    "target__slug",
    "target__name",
    "target__summary",
]


def permalink(slug: str) -> str:
    """A term's page on the front-end (GLOSSARY_TERM_URL): every reference
    to a term the API serves links it by this."""
    return settings.GLOSSARY_TERM_URL.format(slug=slug)


def sees_drafts(user) -> bool:
    """Editors (staff) see drafts; everyone else sees published terms only."""
    return user.is_authenticated and user.is_staff


class TermQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Term.Status.PUBLISHED)

    def visible_to(self, user):
        """What a reader may see."""
        return self.all() if sees_drafts(user) else self.published()

    def with_review_due(self):
        return self.annotate(review_due_on=review.review_due_expression())

    def in_review_state(self, state: str, today: date | None = None):
        """Terms in one of the review states of terms.review.ReviewState."""
        today = today or timezone.localdate()
        soon = today + timedelta(days=settings.GLOSSARY_REVIEW_DUE_SOON_DAYS)
        reviewed = self.with_review_due().filter(last_reviewed__isnull=False)
        return {
            review.ReviewState.NEVER_REVIEWED: self.filter(last_reviewed__isnull=True),
            review.ReviewState.OVERDUE: reviewed.filter(review_due_on__lt=today),
            review.ReviewState.DUE_SOON: reviewed.filter(
                review_due_on__gte=today, review_due_on__lte=soon
            ),
            review.ReviewState.FRESH: reviewed.filter(review_due_on__gt=soon),
        }[state]

    def review_overdue(self, today: date | None = None):
        """Terms whose review is past due, never-reviewed ones included."""
        today = today or timezone.localdate()
        return self.with_review_due().filter(review_due_on__lt=today)

    def mark_reviewed(self, user) -> int:
        """Record a review today by `user`, in each term's history too."""
        terms = list(self)
        today, now = timezone.localdate(), timezone.now()
        for term in terms:
            term.last_reviewed, term.reviewed_by, term.updated_at = today, user, now
        bulk_update_with_history(
            terms,
            Term,
            ["last_reviewed", "reviewed_by", "updated_at"],
            default_user=user,
            default_change_reason="Marked as reviewed",
        )
        return len(terms)

    def publishable(self):
        """Terms with a summary, a definition and at least one source."""
        return (
            self.exclude(summary="")
            .exclude(definition="")
            .filter(citations__role=Citation.Role.SOURCE)
            .distinct()
        )

    def with_related(self, linkable=None):
        """Everything a term's detail shows, in a fixed number of queries.

        `linkable` limits see-also targets (anonymous readers never see a
        link to a draft); by default only published targets are shown.
        """
        if linkable is None:
            linkable = Term.objects.published()
        related = self.select_related("category").defer(*VECTORS)
        return related.prefetch_related(
            Prefetch("aliases", queryset=Alias.objects.order_by("name")),
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related("source").order_by(
                    "role", "position", "id"
                ),
            ),
            Prefetch(
                "see_also_links",
                # A check per link, not `target__in`: SQLite reads an IN list
                # as index keys, probing (term, target) for every linkable
                # term, so a batch of terms cost the whole table each.
                queryset=SeeAlso.objects.filter(
                    Exists(linkable.filter(pk=OuterRef("target_id")))
                )
                .select_related("target")
                .only(*SEE_ALSO_FIELDS)
                .order_by("position", "id"),
            ),
        )


class Term(ContentModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "draft"
        PUBLISHED = "published", "published"

    name = models.CharField("name", max_length=200, validators=[validate_visible_text])
    # The name as it reads, so that two terms never look alike (terms.lookalikes).
    name_lookalike = DerivedKeyField(
        "name as it reads",
        max_length=600,
        unique=True,
        source="name",
        derive=lookalike_key,
    )
    # The name folded for the alphabetical order (Meta.ordering): computed
    # here, so that the order is the same on every database and a page deep
    # in the list reads an index instead of folding and sorting every row.
    name_order = DerivedKeyField(
        "name in the alphabetical order",
        max_length=600,
        default="",
        source="name",
        derive=fold,
    )
    slug = models.SlugField("slug", max_length=200, unique=True)
    title = models.CharField(
        "page title",
        max_length=300,
        blank=True,
        help_text="The page headline, e.g. “What is AI alignment? …”",
    )
    summary = ShortProseField(
        "summary",
        max_length=500,
        blank=True,
        help_text="Plain text, a sentence or two: used in lists and tooltips.",
    )
    definition = ProseField(
        "definition",
        blank=True,
        max_length=MARKDOWN_MAX_LENGTH,
        # A TextField's max_length limits its form widget only: the validator
        # makes every path (admin, API, import) refuse longer text.
        validators=[MaxLengthValidator(MARKDOWN_MAX_LENGTH), validate_markdown],
        help_text="Markdown.",
    )
    example = ProseField(
        "concrete example",
        blank=True,
        max_length=MARKDOWN_MAX_LENGTH,
        validators=[MaxLengthValidator(MARKDOWN_MAX_LENGTH), validate_markdown],
        help_text="Markdown.",
    )
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
    review_interval_days = models.PositiveSmallIntegerField(
        "review interval (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="Blank: the site's default interval.",
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
    # Kept by a PostgreSQL trigger (migrations 0003, 0011 and 0022); unused
    # on SQLite. Each holds the one before: the names are name and aliases
    # (weight A), the head adds the summary (B), small enough to rank
    # matches by, and search_vector the definition (C).
    search_vector = SearchVectorField("search vector", null=True, editable=False)
    head_vector = SearchVectorField("head vector", null=True, editable=False)
    names_vector = SearchVectorField("names vector", null=True, editable=False)

    objects = SlugManager.from_queryset(TermQuerySet)()
    history = HistoricalRecords(
        excluded_fields=["name_lookalike", "name_order", *VECTORS]
    )

    class Meta:
        # Alphabetical whatever the case and accents, the same on every database.
        ordering = ["name_order", "name", "id"]
        indexes = [
            # Lists: the published terms in order, and their count, from
            # the index alone.
            models.Index(
                fields=["status", "name_order", "name", "id"], name="terms_term_order"
            ),
            # The other orderings of the lists, ties by name: a cursor walk
            # seeks each page's place in them (terms/api/keyset.py).
            models.Index(
                fields=["status", "updated_at", "name_order", "name", "id"],
                name="terms_term_updated_order",
            ),
            models.Index(
                fields=["status", "last_reviewed", "name_order", "name", "id"],
                name="terms_term_reviewed_order",
            ),
            # The A–Z index: a letter's terms in order, and the letters' counts;
            # with the slug (PostgreSQL), a letter's page is the index alone.
            models.Index(
                F("status"),
                IndexLetter(),
                F("name_order"),
                F("name"),
                F("id"),
                name="terms_term_letter",
                include=["slug"],
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("slug"),
                name="term_slug_ci_unique",
                violation_error_code="duplicate_slug",
                violation_error_message="A term with this slug in another case "
                "exists: slugs are the same whatever their case.",
            ),
        ]
        permissions = [
            ("review_term", "Can mark terms as reviewed"),
            ("publish_term", "Can publish and unpublish terms"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("api:term-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def permalink(self) -> str:
        return permalink(self.slug)

    def clean(self):
        # name_lookalike is not in any form, so its uniqueness is checked here,
        # where every full_clean() (admin, API) runs it, and said on "name".
        # Its length is checked with the other derived keys' (clean_fields).
        key = lookalike_key(self.name)
        others = Term.objects.exclude(pk=self.pk)
        twin = others.filter(name_lookalike=key).first()
        if twin is not None:
            raise ValidationError({"name": name_clash(self.name, twin.name)})

    def validate_constraints(self, exclude=None):
        # The slug's constraint is on Lower("slug"), so Django can't tell the
        # field: say it, so forms and the API show the error on "slug".
        try:
            super().validate_constraints(exclude)
        except ValidationError as error:
            errors = error.update_error_dict({})
            general = errors.pop(NON_FIELD_ERRORS, [])
            for item in general:
                field = "slug" if item.code == "duplicate_slug" else NON_FIELD_ERRORS
                errors.setdefault(field, []).append(item)
            raise ValidationError(errors) from error

    @property
    def review_due(self) -> date:
        return review.due_date(
            self.last_reviewed, self.review_interval_days, self.created_at
        )

    @property
    def review_state(self) -> str:
        return review.state(self.last_reviewed, self.review_due)

    def publishing_problems(self, source_count: int | None = None) -> list[str]:
        """What the term lacks to be published; `source_count` of the sources
        it is about to have, when they are not saved yet (an admin form)."""
        if source_count is None:
            source_count = (
                self.pk and self.citations.filter(role=Citation.Role.SOURCE).count()
            )
        missing = {
            "a summary": not self.summary.strip(),
            "a definition": not self.definition.strip(),
            "at least one source": not source_count,
        }
        return [what for what, is_missing in missing.items() if is_missing]

    def validate_publishable(self, source_count: int | None = None):
        if self.status != self.Status.PUBLISHED:
            return
        if problems := self.publishing_problems(source_count):
            raise ValidationError(
                "A published term needs a summary, a definition and at least one "
                "source: “%(name)s” lacks %(missing)s, so it stays a draft.",
                code="unpublishable",
                params={"name": self.name, "missing": " and ".join(problems)},
            )

    def after_save(self, stored):
        # A renamed term keeps its old slug, so links to it redirect; a slug
        # taken back is no longer an old one.
        if stored is not None and stored["slug"] == self.slug:
            return
        if stored is not None:
            OldSlug.objects.update_or_create(
                slug=stored["slug"], defaults={"term": self}
            )
        OldSlug.objects.filter(slug=self.slug).delete()
