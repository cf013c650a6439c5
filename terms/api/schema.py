"""Shared pieces of the OpenAPI document: common parameters, and the errors
every operation can answer."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import serializers

from terms import letters

from .limits import MAX_ADDRESS_LENGTH
from .openapi import Shape, SparseFields, StrictAutoSchema


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


NOT_MODIFIED = (
    "The `If-None-Match` or `If-Modified-Since` validator still matches: no "
    "body; reuse the cached response."
)
REDIRECT = OpenApiResponse(
    description="An old slug: `Location` holds the term's current URL."
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


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description="The ETag of your last read; a stale one is refused with 412. "
    "Required when the server sets GLOSSARY_REQUIRE_IF_MATCH.",
)


# A source's id (the router's lookup_value_regex would make it a string).
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


def reads(plural: str, detail_summary: str, serializer, *key) -> dict:
    """The schema of list and retrieve (`key`: the path parameter's type)."""
    return {
        "list": extend_schema(
            summary=f"List {plural}",
            parameters=[fields_parameter(serializer)],
            responses={200: sparse(serializer, many=True)},
        ),
        "retrieve": extend_schema(
            summary=detail_summary,
            parameters=[fields_parameter(serializer), *key],
            responses={200: sparse(serializer)},
        ),
    }


def writes(name: str, write_serializer, read_serializer, *key) -> dict:
    """The schema of create, update, partial_update and destroy."""
    return {
        "create": extend_schema(
            summary=f"Create a {name}",
            request=write_serializer,
            responses={201: read_serializer},
        ),
        "update": extend_schema(
            summary=f"Replace a {name}",
            parameters=[IF_MATCH, *key],
            request=write_serializer,
            responses={200: read_serializer},
        ),
        "partial_update": extend_schema(
            summary=f"Change some fields of a {name}",
            parameters=[IF_MATCH, *key],
            request=write_serializer,
            responses={200: read_serializer},
        ),
        "destroy": extend_schema(
            summary=f"Delete a {name}",
            parameters=[IF_MATCH, *key],
            responses={204: None},
        ),
    }


# Errors ---------------------------------------------------------------------
# Every operation declares each error status it can answer, each with the one
# Problem body (terms/api/problems.py). AutoSchema adds them from what the
# view is (its methods, path parameters, pagination, authentication,
# throttles, validators); a view declares what only it answers (the sync
# feed's 410, the preview's 403) with `problems()`.


class ProblemErrorSerializer(serializers.Serializer):
    param = serializers.CharField(
        required=False, help_text="The query parameter this is about."
    )
    pointer = serializers.CharField(
        required=False,
        help_text="A JSON Pointer to the request body member this is about: "
        '"/citations/0/source"; "" for the body as a whole.',
    )
    detail = serializers.CharField(help_text="What is wrong with it.")
    code = serializers.CharField(
        help_text="A stable code for the error: `invalid`, `required`, "
        "`invalid_choice`, `max_length`…"
    )


class ProblemSerializer(serializers.Serializer):
    """An error, as RFC 9457 problem details (`application/problem+json`)."""

    type = serializers.CharField(
        help_text="`about:blank`: the status says what kind of problem it is."
    )
    title = serializers.CharField(help_text="The status's phrase: `Not Found`.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(
        help_text="What was wrong, naming the parameter or field, for people."
    )
    instance = serializers.CharField(help_text="The path the request was sent to.")
    errors = ProblemErrorSerializer(
        many=True,
        help_text="Each bad query parameter (`param`) or request body member "
        "(`pointer`); empty when the problem is the request as a whole.",
    )


STATUS_DESCRIPTIONS = {
    400: "A query parameter is unknown, given twice or malformed, or the body "
    "is invalid: `errors` names each one.",
    401: "The token or session is missing or not valid.",
    403: "The user may not do this (`detail` says why).",
    404: "Nothing has this address.",
    406: "The Accept header names no format this endpoint serves.",
    409: "Another write changed this at the same time, or it is still in use.",
    410: "Gone.",
    412: "If-Match (or If-Unmodified-Since) does not name the resource's "
    "current version: read it again and retry.",
    413: "The request body is too large.",
    414: f"The address is longer than {MAX_ADDRESS_LENGTH} characters.",
    415: "The body is not JSON (`Content-Type: application/json`).",
    428: "This server requires If-Match on writes.",
    429: "Too many requests: retry after `Retry-After` seconds.",
    500: "A bug on the server's side.",
    503: "The database is unavailable: retry after `Retry-After` seconds.",
}
PAGE_PAST_END = "the page number is past the end (`errors` then names `page`)"
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before retrying.",
    }
}
WITH_BODY = ("POST", "PUT", "PATCH")


def problem(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ProblemSerializer, description=description)


def problems(described: dict[int, str]) -> dict:
    """Error responses an operation answers besides those AutoSchema finds,
    for `extend_schema(responses=…)`."""
    from .problems import MEDIA_TYPE

    return {(status, MEDIA_TYPE): problem(text) for status, text in described.items()}


def paginated(view) -> bool:
    """Whether the view answers pages (a viewset's list, or a view of its own)."""
    return view.pagination_class is not None and getattr(view, "action", "list") in (
        "list",
        None,
    )


def problem_statuses(view, method: str, path: str) -> set[int]:
    """The error statuses an operation can answer, from what its view is."""
    from .freshness import CHECKED_WRITES, ConditionalGetMixin

    # Any request: a bad Host or an unknown parameter, an Accept it cannot
    # meet, an overlong address, a bug, the database down.
    statuses = {400, 406, 414, 500, 503}
    if view.get_throttles():
        statuses.add(429)
    if view.get_authenticators():
        statuses.add(401)  # a token that is not valid, even on a read
    if "{" in path:
        statuses.add(404)
    if method == "GET":
        if paginated(view):
            statuses.add(404)  # a page past the end
        if isinstance(view, ConditionalGetMixin):
            statuses.add(412)  # If-Match on a read
        return statuses
    statuses |= {403, 409}
    if method in WITH_BODY:
        statuses |= {413, 415}
    if method in CHECKED_WRITES and isinstance(view, ConditionalGetMixin):
        statuses |= {412, 428}
    return statuses


class AutoSchema(StrictAutoSchema):
    """drf-spectacular's, with the errors each operation can answer."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        from .freshness import ConditionalGetMixin
        from .problems import MEDIA_TYPE

        if self.method == "GET" and isinstance(self.view, ConditionalGetMixin):
            responses.setdefault("304", {"description": NOT_MODIFIED})
        described = dict(STATUS_DESCRIPTIONS)
        if self.method == "GET" and paginated(self.view):
            described[404] = (
                f"Nothing has this address, or {PAGE_PAST_END}."
                if "{" in self.path  # a letter's page: a letter too
                else f"{PAGE_PAST_END.capitalize()}."
            )
        for status in sorted(problem_statuses(self.view, self.method, self.path)):
            if str(status) in responses:
                continue  # the view said it itself
            responses[str(status)] = self._get_response_for_code(
                problem(described[status]), str(status), [MEDIA_TYPE]
            )
        for status in ("429", "503"):
            if status in responses:
                responses[status]["headers"] = RETRY_AFTER
        return dict(sorted(responses.items()))
