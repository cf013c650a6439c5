"""Shared pieces of the OpenAPI document: common parameters and error shapes."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

FIELDS = OpenApiParameter(
    "fields",
    OpenApiTypes.STR,
    description="Comma-separated fields to return, e.g. `slug,name,summary`; "
    "an unknown field is a 400.",
)

VALIDATION_ERROR = OpenApiResponse(
    response=inline_serializer(
        "ValidationError",
        {
            "<parameter>": serializers.ListField(
                child=serializers.CharField(),
                help_text="Each bad query parameter, with why it was refused.",
            )
        },
    ),
    description="A query parameter is unknown, given twice, or its value is "
    "malformed. The body maps each bad parameter to its messages, e.g. "
    '`{"letter": ["Select a valid choice. Z9 is not one of the available '
    'choices."]}`.',
)

NOT_FOUND = OpenApiResponse(
    response=inline_serializer("NotFound", {"detail": serializers.CharField()}),
    description="Nothing has this address (or the page number is past the end).",
)

NOT_MODIFIED = OpenApiResponse(
    description="The `If-None-Match` or `If-Modified-Since` validator still "
    "matches: no body; reuse the cached response."
)

REDIRECT = OpenApiResponse(
    description="An old slug: `Location` holds the term's current URL."
)

LIST_ERRORS = {304: NOT_MODIFIED, 400: VALIDATION_ERROR, 404: NOT_FOUND}
DETAIL_ERRORS = {304: NOT_MODIFIED, 400: VALIDATION_ERROR, 404: NOT_FOUND}
