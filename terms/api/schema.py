"""Shared pieces of the OpenAPI document: common parameters and error shapes."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers

from terms import letters

from .openapi import Shape, SparseFields


def fields_parameter(serializer_class) -> OpenApiParameter:
    """`fields=` (FieldSelectionMixin) for one serializer."""
    names = list(serializer_class.Meta.fields)
    return OpenApiParameter(
        "fields",
        {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "enum": names},
        },
        description="Only these fields, e.g. `fields=slug&fields=name` (or "
        "comma-separated, `fields=slug,name`); the body is then the partial "
        "shape. An unknown field is a 400.",
    )


def sparse(serializer_class, **kwargs) -> SparseFields:
    """The body of a read that takes `fields=`."""
    return SparseFields(serializer_class, **kwargs)


VALIDATION_ERROR = OpenApiResponse(
    response={
        "type": "object",
        "description": "Each bad query parameter, with why it was refused.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "example": {
            "letter": ["Select a valid choice. Z9 is not one of the available choices."]
        },
    },
    description="A query parameter is unknown, given twice, or its value is "
    "malformed. The body maps each bad parameter to its messages.",
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

PAGE_NOT_FOUND = OpenApiResponse(
    response={
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "example": {"page": ["Invalid page."]},
    },
    description="The page number is past the end.",
)

LETTER = OpenApiParameter(
    "letter",
    OpenApiTypes.STR,
    location=OpenApiParameter.PATH,
    enum=list(letters.CHOICES),
    description="A to Z, or 0-9 for names that start with anything else "
    "(accents fold: “Évaluation” is under E).",
)


def pagination_parameters(paginator_class) -> list[OpenApiParameter]:
    """A paginator's query parameters, for a view that is not a list."""
    return [
        OpenApiParameter(
            parameter["name"], parameter["schema"], description=parameter["description"]
        )
        for parameter in paginator_class().get_schema_operation_parameters(None)
    ]


LIST_ERRORS = {304: NOT_MODIFIED, 400: VALIDATION_ERROR, 404: PAGE_NOT_FOUND}

LETTER_NOT_FOUND = OpenApiResponse(
    response={
        "type": "object",
        "additionalProperties": {},
        "example": {
            "detail": "The index has no letter 'q': its letters are A–Z and 0-9."
        },
    },
    description="The index has no such letter (`detail`; its letters are A–Z "
    "and 0-9), or the page number is past the letter's last page (`page`).",
)
DETAIL_ERRORS = {304: NOT_MODIFIED, 400: VALIDATION_ERROR, 404: NOT_FOUND}

_THING = {
    "type": "object",
    "required": ["@type", "name"],
    "properties": {
        "@type": {"type": "string"},
        "name": {"type": "string"},
        "url": {"type": "string"},
    },
}
_CREATIVE_WORK = {
    "type": "object",
    "required": ["@type", "name", "author", "datePublished", "url"],
    "properties": {
        "@type": {"type": "string", "enum": ["ScholarlyArticle", "CreativeWork"]},
        "name": {"type": "string"},
        "author": {"type": "string"},
        "datePublished": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
        "publisher": _THING,
        "identifier": {"type": "string"},
    },
}


class TermJsonLD(Shape):
    shape = {
        "type": "object",
        "description": "A schema.org WebPage whose mainEntity is the DefinedTerm.",
        "required": ["@context", "@type", "url", "name", "dateModified", "citation",
                     "relatedLink", "mainEntity"],
        "properties": {
            "@context": {"type": "string", "example": "https://schema.org"},
            "@type": {"type": "string", "example": "WebPage"},
            "url": {"type": "string", "format": "uri"},
            "name": {"type": "string"},
            "dateModified": {"type": "string", "format": "date-time"},
            "lastReviewed": {
                "type": "string",
                "format": "date",
                "description": "Absent when the term was never reviewed.",
            },
            "citation": {"type": "array", "items": _CREATIVE_WORK},
            "relatedLink": {
                "type": "array",
                "items": {"type": "string", "format": "uri"},
                "description": "The see-also terms' pages (their permalinks).",
            },
            "mainEntity": {
                "type": "object",
                "required": ["@type", "name", "alternateName", "description", "url",
                             "inDefinedTermSet"],
                "properties": {
                    "@type": {"type": "string", "example": "DefinedTerm"},
                    "name": {"type": "string"},
                    "alternateName": {"type": "array", "items": {"type": "string"}},
                    "description": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                    "inDefinedTermSet": _THING,
                },
            },
        },
    }  # fmt: skip


TERM_JSONLD = OpenApiResponse(
    response=TermJsonLD,
    description="The term as JSON-LD (`Accept: application/ld+json` or "
    "`?format=jsonld`).",
)


DETAIL = OpenApiResponse(
    response=inline_serializer("Detail", {"detail": serializers.CharField()}),
    description="Why the request was refused.",
)
CURSOR_EXPIRED = OpenApiResponse(
    response=DETAIL.response,
    description="Gone: changes after this cursor were pruned from the change log, "
    "which keeps a set number of days of them. Resync from scratch: drop the "
    "cursor and your copy, and start again without a cursor.",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description="The ETag of your last read; a stale one is refused with 412. "
    "Required when the server sets GLOSSARY_REQUIRE_IF_MATCH.",
)
WRITE_ERRORS = {
    400: OpenApiResponse(
        response={
            "type": "object",
            "additionalProperties": {},
            "description": "Each invalid field with its messages.",
        },
        description="Invalid: the body names each failing field.",
    ),
    401: DETAIL,
    403: DETAIL,
    404: NOT_FOUND,
    412: DETAIL,
    413: DETAIL,
    415: DETAIL,
    428: DETAIL,
    429: DETAIL,
}


# A source's id (the router's lookup_value_regex would make it a string).
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


def reads(plural: str, detail_summary: str, serializer, *key) -> dict:
    """The schema of list and retrieve (`key`: the path parameter's type)."""
    return {
        "list": extend_schema(
            summary=f"List {plural}",
            parameters=[fields_parameter(serializer)],
            responses={200: sparse(serializer, many=True), **LIST_ERRORS},
        ),
        "retrieve": extend_schema(
            summary=detail_summary,
            parameters=[fields_parameter(serializer), *key],
            responses={200: sparse(serializer), **DETAIL_ERRORS},
        ),
    }


def writes(name: str, write_serializer, read_serializer, *key) -> dict:
    """The schema of create, update, partial_update and destroy."""
    return {
        "create": extend_schema(
            summary=f"Create a {name}",
            request=write_serializer,
            responses={201: read_serializer, **WRITE_ERRORS},
        ),
        "update": extend_schema(
            summary=f"Replace a {name}",
            parameters=[IF_MATCH, *key],
            request=write_serializer,
            responses={200: read_serializer, **WRITE_ERRORS},
        ),
        "partial_update": extend_schema(
            summary=f"Change some fields of a {name}",
            parameters=[IF_MATCH, *key],
            request=write_serializer,
            responses={200: read_serializer, **WRITE_ERRORS},
        ),
        "destroy": extend_schema(
            summary=f"Delete a {name}",
            parameters=[IF_MATCH, *key],
            responses={204: None, 409: DETAIL, **WRITE_ERRORS},
        ),
    }
