"""GET /api/v1/sync/: the change feed (terms/changes/feed.py) as JSON, each
upsert with the document the resource's own endpoint serves anonymously."""

import json

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from terms.changes import documents, feed, keys, versions
from terms.changes.models import Change
from terms.models import Category, Source, Term
from terms.models.term import permalink

from . import schema
from .freshness import ConditionalGetMixin
from .params import StrictQueryParametersMixin
from .serializers import CategorySerializer, SourceSerializer

MODELS = {
    Change.Kind.TERM: Term,
    Change.Kind.SOURCE: Source,
    Change.Kind.CATEGORY: Category,
}
# Terms' documents are stored; these render the others'.
SERIALIZERS = {
    Change.Kind.SOURCE: SourceSerializer,
    Change.Kind.CATEGORY: CategorySerializer,
}


class CursorExpired(APIException):
    status_code = status.HTTP_410_GONE
    default_detail = (
        "This cursor is too old: changes after it have been pruned from the "
        "change log. Resync from scratch: drop the cursor and your copy, and "
        "start again without a cursor."
    )
    default_code = "cursor_expired"


class SyncQuery(serializers.Serializer):
    cursor = serializers.CharField(
        required=False,
        max_length=200,
        help_text="The `next_cursor` of the previous page; none to start.",
    )
    limit = serializers.IntegerField(
        min_value=1, max_value=500, default=100, help_text="Entries per page (1–500)."
    )

    def validate_cursor(self, value):
        try:
            return feed.Cursor.decode(value)
        except feed.BadCursor as error:
            raise serializers.ValidationError(str(error)) from error


class SyncEntrySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Change.Kind.choices)
    key = serializers.CharField(
        help_text="A term's or category's slug, a source's key."
    )
    deleted = serializers.BooleanField(
        help_text="A tombstone: the resource is gone (deleted, unpublished or "
        "renamed); drop it."
    )
    renamed_to = serializers.CharField(
        required=False, help_text="On a rename's tombstone: the new key."
    )
    permalink = serializers.URLField(
        required=False,
        help_text="On a term's entries: the term's page on the front-end (on a "
        "tombstone, the page to take down).",
    )
    document = serializers.JSONField(
        required=False,
        help_text="On an upsert: the document the resource's endpoint serves.",
    )


class SyncPageSerializer(serializers.Serializer):
    results = SyncEntrySerializer(many=True)
    next_cursor = serializers.CharField(help_text="Send it back for what follows.")
    has_more = serializers.BooleanField(
        help_text="False once caught up: poll later with next_cursor."
    )


class SyncView(
    ConditionalGetMixin, StrictQueryParametersMixin, generics.GenericAPIView
):
    """Every published document, then what changed: upserts and tombstones."""

    pagination_class = None
    serializer_class = SyncPageSerializer
    query_parameters = ("cursor", "limit")

    def read_version(self):
        return versions.public_head()

    def surrogate_keys(self):
        return [keys.SYNC]

    @extend_schema(
        summary="Sync: every document once, then the changes since",
        parameters=[SyncQuery],
        responses={
            200: SyncPageSerializer,
            **schema.problems(
                {
                    410: "Gone: changes after this cursor were pruned from the "
                    "change log, which keeps a set number of days of them. "
                    "Resync from scratch: drop the cursor and your copy, and "
                    "start again without a cursor."
                }
            ),
        },
    )
    def get(self, request):
        query = SyncQuery(data=request.query_params)
        query.is_valid(raise_exception=True)  # a 400 naming each parameter
        try:
            page = feed.read(
                query.validated_data.get("cursor"), query.validated_data["limit"]
            )
        except feed.BadCursor as error:
            raise ValidationError({"cursor": [str(error)]}) from error
        except feed.Expired as error:
            raise CursorExpired() from error
        return Response(
            {
                "results": rendered(page.entries, self.get_serializer_context()),
                "next_cursor": page.next_cursor.encode(),
                "has_more": page.has_more,
            }
        )


def rendered(entries: list[dict], context: dict) -> list[dict]:
    """The feed's entries as the public sees them: each upsert with the
    document its resource's endpoint serves (to `context["request"]`)."""
    shown = [e["resource"] for e in entries if e["resource"] is not None]
    for kind in SERIALIZERS:
        versions.stamp([r for r in shown if isinstance(r, MODELS[kind])], kind)
    terms = [r.pk for r in shown if isinstance(r, Term)]
    stored = documents.by_ids(terms, "json")
    return [public_entry(entry, stored, context) for entry in entries]


def public_entry(entry: dict, stored: dict, context: dict) -> dict:
    resource, kind = entry["resource"], entry["kind"]
    public = {"kind": kind, "key": entry["key"], "deleted": entry["deleted"]}
    if "renamed_to" in entry:
        public["renamed_to"] = entry["renamed_to"]
    if kind == Change.Kind.TERM:
        public["permalink"] = permalink(entry["key"])
    if resource is None:
        return public
    if kind == Change.Kind.TERM:
        document = stored.get(resource.pk)
        if document is None:  # unpublished since the feed read it
            return public | {"deleted": True}
        return public | {"document": json.loads(document.served(context["request"]))}
    # The feed's querysets show what the public sees, whoever asks.
    serializer = SERIALIZERS[kind](resource, context=context)
    return public | {"document": serializer.data}
