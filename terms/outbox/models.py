from django.db import models
from django.utils import timezone

from terms.changes import versions

from .signing import new_secret, validate_secret
from .urls import validate_endpoint_url

# What a subscriber can ask for; each change in the log is one of these.
EVENTS = [
    ("term.published", "term published"),
    ("term.updated", "term updated"),
    ("term.unpublished", "term unpublished"),
    ("term.deleted", "term deleted"),
    ("term.renamed", "term renamed (new slug)"),
    ("source.updated", "source created or updated"),
    ("source.renamed", "source given a new key"),
    ("source.deleted", "source deleted"),
    ("category.updated", "category created or updated"),
    ("category.renamed", "category given a new slug"),
    ("category.deleted", "category deleted"),
]


def log_head() -> int:
    """The change log's latest number: a new endpoint hears of what follows."""
    return versions.head().number


class Endpoint(models.Model):
    """A URL that is sent, signed, each public change it subscribes to."""

    url = models.URLField("URL", max_length=500, validators=[validate_endpoint_url])
    description = models.CharField("description", max_length=200, blank=True)
    events = models.JSONField(
        "events",
        default=list,
        blank=True,
        help_text="The events sent to it; none ticked: every event.",
    )
    secret = models.CharField(
        "signing secret",
        max_length=100,
        default=new_secret,
        validators=[validate_secret],
        help_text="Verifies each delivery's webhook-signature header "
        "(Standard Webhooks). Keep it private; change it to rotate.",
    )
    active = models.BooleanField("active", default=True)
    since = models.BigIntegerField(
        "changes after",
        default=log_head,
        editable=False,
        help_text="It is sent the changes logged after this number.",
    )
    created_at = models.DateTimeField("created at", default=timezone.now)

    class Meta:
        ordering = ["url", "pk"]
        verbose_name = "webhook endpoint"

    def __str__(self):
        return self.url

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events


class Outgoing(models.Model):
    """What the worker sends and retries until it is taken or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        DONE = "done", "done"
        FAILED = "failed", "failed (gave up)"

    seq = models.BigIntegerField("sequence number")
    status = models.CharField(
        "status", max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField("attempts", default=0)
    next_attempt_at = models.DateTimeField("next attempt", default=timezone.now)
    # A worker sending it holds it until then; a worker killed meanwhile lets
    # it go, and another sends it again (at least once).
    claimed_until = models.DateTimeField("claimed until", null=True, blank=True)
    last_status = models.PositiveIntegerField("last HTTP status", null=True)
    last_response = models.TextField("last response or error", blank=True)
    done_at = models.DateTimeField("done at", null=True, blank=True)
    created_at = models.DateTimeField("created at", default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["seq", "pk"]


class Delivery(Outgoing):
    """One change, for one endpoint: a signed POST of `body`."""

    endpoint = models.ForeignKey(
        Endpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name="endpoint",
    )
    event = models.CharField("event", max_length=30, choices=EVENTS)
    kind = models.CharField("kind", max_length=10)
    resource_id = models.BigIntegerField("resource id")
    key = models.CharField("key", max_length=200)
    # The same bytes on every attempt, so a receiver can dedupe by webhook-id.
    body = models.TextField("payload")

    class Meta(Outgoing.Meta):
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"], name="terms_delivery_due"
            ),
            models.Index(
                fields=["endpoint", "kind", "resource_id", "seq"],
                name="terms_delivery_resource",
            ),
            models.Index(
                fields=["endpoint", "kind", "key", "seq"], name="terms_delivery_key"
            ),
        ]

    def __str__(self):
        return f"{self.event} {self.key} (#{self.seq}) to {self.endpoint}"

    @property
    def message_id(self) -> str:
        """The idempotency key: the same on every attempt of this delivery."""
        return f"delivery-{self.pk}"


class Purge(Outgoing):
    """The CDN surrogate keys of the responses a run of changes altered."""

    keys = models.JSONField("surrogate keys", help_text='["*"]: everything.')

    class Meta(Outgoing.Meta):
        verbose_name = "CDN purge"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="terms_purge_due")
        ]

    def __str__(self):
        return f"purge of {len(self.keys)} keys (#{self.seq})"


class Dispatched(models.Model):
    """How far into the change log the outbox has turned changes into
    deliveries and purges. One row; it moves in the transaction that
    records them, so no change is skipped and none is sent twice over."""

    seq = models.BigIntegerField("dispatched through", default=0)

    class Meta:
        ordering = ["pk"]
        verbose_name = "outbox position"

    def __str__(self):
        return f"changes up to {self.seq} dispatched"
