"""Webhook endpoints, and what was sent to them (terms/outbox/). Who may
manage endpoints is the model permissions' to say ("Can add webhook
endpoint"…): administrators have them, and can grant them."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from terms.outbox.models import EVENTS, Delivery, Endpoint, Outgoing


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label="URL", max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=EVENTS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="None ticked: every event.",
    )

    class Meta:
        model = Endpoint
        fields = ["url", "description", "events", "secret", "active"]


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["url", "description", "active", "pending", "failed", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "description"]
    readonly_fields = ["since", "created_at"]

    def get_queryset(self, request):
        counts = {
            state: models.Count("deliveries", filter=models.Q(deliveries__status=state))
            for state in (Outgoing.Status.PENDING, Outgoing.Status.FAILED)
        }
        return (
            super()
            .get_queryset(request)
            .annotate(
                pending_count=counts[Outgoing.Status.PENDING],
                failed_count=counts[Outgoing.Status.FAILED],
            )
        )

    @admin.display(description="pending", ordering="pending_count")
    def pending(self, endpoint):
        return endpoint.pending_count

    @admin.display(description="failed", ordering="failed_count")
    def failed(self, endpoint):
        return endpoint.failed_count


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """What was sent: read-only, but any can be sent again."""

    list_display = [
        "seq",
        "event",
        "key",
        "endpoint",
        "status",
        "attempts",
        "last_status",
        "next_attempt_at",
        "done_at",
    ]
    list_filter = ["status", "event", "endpoint"]
    search_fields = ["key", "endpoint__url"]
    list_select_related = ["endpoint"]
    ordering = ["-seq", "-pk"]
    actions = ["redeliver"]
    fields = [
        "endpoint",
        "event",
        "kind",
        "key",
        "seq",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status",
        "last_response",
        "done_at",
        "created_at",
        "body",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # its page shows, read-only, what was sent and answered

    @admin.action(description="Send again", permissions=["redeliver"])
    def redeliver(self, request, queryset):
        """Done or failed deliveries go again, unless a later change of the
        same resource was sent to that endpoint since: this one's document
        would then overwrite a newer one."""
        later = Delivery.objects.filter(
            endpoint=OuterRef("endpoint"),
            kind=OuterRef("kind"),
            seq__gt=OuterRef("seq"),
        ).filter(Q(resource_id=OuterRef("resource_id")) | Q(key=OuterRef("key")))
        chosen = queryset.exclude(status=Outgoing.Status.PENDING)
        again = chosen.exclude(Exists(later))
        count = again.update(
            status=Outgoing.Status.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            claimed_until=None,
        )
        self.message_user(
            request, f"{count} deliveries will be sent again.", messages.SUCCESS
        )
        if skipped := queryset.count() - count:
            self.message_user(
                request,
                f"{skipped} not sent again: still pending, or a later change of "
                "the same resource was sent to that endpoint since.",
                messages.WARNING,
            )

    def has_redeliver_permission(self, request):
        return request.user.has_perm("terms.change_endpoint")
