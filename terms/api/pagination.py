"""Pages of a list: page numbers, or a cursor walk (the term list).

Page numbers suit a small site's numbered pages; past a few thousand rows
each page costs the OFFSET of the rows before it. A cursor walk reads each
page from its place in an index instead (terms/api/keyset.py), so the last
page of 100,000 terms costs what the first does. A walk starts with
`?pagination=cursor` and follows each page's `next` link, whose `cursor`
holds the position of the page's last row in the list's order.
"""

import base64
import binascii
import hashlib
import json
import re
from datetime import date, datetime

from django.core.exceptions import ValidationError as InvalidValue
from django.db import connections
from django.db.models import F, IntegerField
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from terms.validators import in_utc

from . import keyset

CURSOR_PATTERN = re.compile(r"[A-Za-z0-9_-]+")
# Links in the schema's examples: this API's own, as `make run` serves it.
EXAMPLE_API = "http://127.0.0.1:8000/api/v1/"
EXAMPLE_LIST = EXAMPLE_API + "terms/"
COUNT_SCHEMA = {
    "type": "integer",
    "description": "How many results the list has, on numbered pages; a "
    "cursor walk's pages leave it out.",
    "example": 123,
}
PAGES_SCHEMA = {
    "type": "integer",
    "nullable": True,
    "minimum": 1,
    "description": "How many numbered pages the list has at this `page_size`: "
    "the last page number (1 for an empty list, its one page empty). Null "
    "when `count_is_estimate` is true: the count stopped at its cap, so the "
    "last page is not known; follow `next` until it is null. A cursor walk's "
    "pages leave it out.",
    "example": 7,
}


# Past any glossary's last page, and small enough that no page's offset
# overflows the databases' integers.
MAX_PAGE = 1_000_000


def positive_int(params, name: str, default: int, maximum: int | None = None) -> int:
    """A positive integer query parameter, or a 400 naming it."""
    raw = params.get(name)
    if raw is None:
        return default
    limit = f" and at most {maximum}" if maximum else ""
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1 or (maximum and value > maximum):
        raise ValidationError({name: [f"Must be a whole number from 1{limit}."]})
    return value


def envelope_schema(results: dict, example_list: str, counted: bool) -> dict:
    """A page's envelope: `count` and `pages` on numbered pages only (always
    there when `counted`), `next`, `previous` and the `results`."""

    def link(which: str, end: str, example: str) -> dict:
        walk = " In a cursor walk it holds the `cursor` that reads that page."
        return {
            "type": "string",
            "nullable": True,
            "format": "uri",
            "description": f"The {which} page; null at the {end}."
            + ("" if counted else walk),
            "example": example,
        }

    previous = "?page=2" if counted else "?cursor=eyJvIjoiNWUxZ…"
    return {
        "type": "object",
        "required": [
            *(["count", "pages"] if counted else []),
            "next",
            "previous",
            "results",
        ],
        "properties": {
            "count": COUNT_SCHEMA,
            "pages": PAGES_SCHEMA,
            "next": link("next", "end", f"{example_list}?page=4"),
            "previous": link("previous", "start", example_list + previous),
            "results": results,
        },
    }


def with_bounds(parameters: list[dict], paginator) -> list[dict]:
    """The paginator's parameters in the schema, with the bounds positive_int()
    and the cursor's decoding check."""
    bounds = {
        getattr(paginator, "page_query_param", None): {
            "minimum": 1,
            "maximum": MAX_PAGE,
        },
        paginator.page_size_query_param: {
            "minimum": 1,
            "maximum": paginator.max_page_size,
            "default": paginator.page_size,
        },
        getattr(paginator, "cursor_query_param", None): {
            "minLength": 1,
            "pattern": f"^{CURSOR_PATTERN.pattern}$",
        },
    }
    for parameter in parameters:
        parameter["schema"] |= bounds.get(parameter["name"], {})
    return parameters


class PageNumberPagination(pagination.PageNumberPagination):
    """Page numbers with a client-chosen page size, capped, strictly parsed."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    # What a page shows besides its members: nothing a member does not decide
    # (see CursorPagination.validator_state).
    validator_state = ()

    @property
    def page_size_query_description(self):
        return (
            f"Results per page, 1 to {self.max_page_size} (default {self.page_size})."
        )

    def get_page_size(self, request):
        return positive_int(
            request.query_params, self.page_size_query_param, self.page_size,
            self.max_page_size,
        )  # fmt: skip

    def paginate_queryset(self, queryset, request, view=None):
        positive_int(request.query_params, self.page_query_param, 1, MAX_PAGE)
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            raise NotFound({self.page_query_param: [str(error.detail)]}) from error

    @property
    def pages(self) -> int | None:
        """How many numbered pages the list has: at least 1 (an empty list
        is one empty page); None when its count is only a lower bound."""
        return self.page.paginator.num_pages

    def get_paginated_response_schema(self, schema):
        return envelope_schema(schema, EXAMPLE_API + "sources/", counted=True)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "pages": self.pages,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    @property
    def query_parameters(self) -> set[str]:
        return {self.page_query_param, self.page_size_query_param}

    def get_schema_operation_parameters(self, view):
        return with_bounds(super().get_schema_operation_parameters(view), self)


class CursorPagination(pagination.CursorPagination):
    """REST framework's cursor pages, positioned by the list's whole ordering.

    REST framework keys a cursor on the first ordering field, and steps past
    rows sharing its value with an offset (capped at 1,000). Here many rows
    share one: every never-reviewed term has the same `last_reviewed`. So
    the position is the value of every key of the ordering, the primary key
    last, and every position is one row's; the next and previous links, the
    reversed reads behind `previous` and the envelope are REST framework's.

    A cursor is URL-safe base64 of JSON: the position, whether it reads
    backwards, and a digest of the ordering it belongs to, so that a cursor
    sent with another ordering (or search) is refused rather than misread.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    cursor_query_description = (
        "Where a cursor walk goes on: copied from the `next` (or `previous`) "
        "link of the page before. Start a walk with `pagination=cursor`."
    )
    invalid_cursor_message = (
        "Not a cursor this list made: follow the `next` or `previous` link of a "
        "page, or start a walk again with pagination=cursor."
    )
    # Annotations holding each row's keys, from which its position is read.
    key_prefix = "keyset_"

    def get_page_size(self, request):
        return positive_int(
            request.query_params, self.page_size_query_param, self.page_size,
            self.max_page_size,
        )  # fmt: skip

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.keys = keyset.keys_of(queryset)
        self.ordering = self.keys  # REST framework's name for them
        self.connection = connections[queryset.db]
        self.cursor = self.decode_cursor(request)
        reverse = self.cursor is not None and self.cursor.reverse
        current_position = self.cursor and self.cursor.position
        keys = [key.reversed() for key in self.keys] if reverse else self.keys
        keyed = queryset.annotate(
            **{f"{self.key_prefix}{n}": F(key.name) for n, key in enumerate(keys)}
        )
        # One row more than the page says whether a page follows.
        results = keyset.rows_after(keyed, keys, current_position, self.page_size + 1)
        self.page = results[: self.page_size]
        has_following_position = len(results) > len(self.page)
        following_position = (
            self._get_position_from_instance(results[-1], keys)
            if has_following_position
            else None
        )
        # From here as REST framework's paginate_queryset(), with no offsets.
        if reverse:
            self.page.reverse()
            self.has_next = current_position is not None
            self.has_previous = has_following_position
            self.next_position = current_position
            self.previous_position = following_position
        else:
            self.has_next = has_following_position
            self.has_previous = current_position is not None
            self.next_position = following_position
            self.previous_position = current_position
        self.display_page_controls = self.has_previous or self.has_next
        return self.page

    @property
    def validator_state(self) -> tuple[bool, bool]:
        """Whether pages come before and after this one: the same members with
        a term added after them make a last page with a `next` link."""
        return (self.has_previous, self.has_next)

    def _get_position_from_instance(self, instance, ordering):
        values = (
            instance[name] if isinstance(instance, dict) else getattr(instance, name)
            for name in (f"{self.key_prefix}{n}" for n in range(len(ordering)))
        )
        return tuple(values)

    def signature(self) -> str:
        """A digest of the ordering: a cursor's position means nothing in another."""
        described = repr([(k.name, k.descending, k.nulls_first) for k in self.keys])
        return hashlib.blake2b(described.encode(), digest_size=4).hexdigest()

    def encode_cursor(self, cursor):
        values = [
            value.isoformat() if isinstance(value, date | datetime) else value
            for value in cursor.position
        ]
        token = {"o": self.signature(), "p": values} | (
            {"r": 1} if cursor.reverse else {}
        )
        text = json.dumps(token, separators=(",", ":"), ensure_ascii=False)
        encoded = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
        return replace_query_param(self.base_url, self.cursor_query_param, encoded)

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            if not CURSOR_PATTERN.fullmatch(encoded):
                raise ValueError(encoded)
            token = json.loads(
                base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            )
            ordering, values = token["o"], token["p"]
            reverse = token.get("r", 0)
        except (
            ValueError,
            TypeError,
            KeyError,
            binascii.Error,
            RecursionError,  # nested past what the JSON parser recurses
        ) as error:
            raise self.invalid() from error
        if not isinstance(ordering, str) or reverse not in (0, 1):
            raise self.invalid()
        if ordering != self.signature():
            raise ValidationError(
                {
                    self.cursor_query_param: [
                        "This cursor belongs to a walk in another order: send it "
                        "with the `ordering` and `search` of the page whose link "
                        "held it, or start again with pagination=cursor."
                    ]
                }
            )
        if not isinstance(values, list) or len(values) != len(self.keys):
            raise self.invalid()
        position = tuple(map(self.key_value, self.keys, values))
        return pagination.Cursor(offset=0, reverse=bool(reverse), position=position)

    def key_value(self, key: keyset.Key, value):
        """A position's value of one key, as the database can compare it."""
        if value is None:
            if not key.nullable:
                raise self.invalid()
            return None
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise self.invalid()
        try:
            python = key.field.to_python(value)
        except (InvalidValue, TypeError, ValueError) as error:
            raise self.invalid() from error
        if isinstance(python, str):
            try:
                python.encode()
            except UnicodeEncodeError as error:
                raise self.invalid() from error
            if "\x00" in python:
                raise self.invalid()
        if isinstance(python, datetime):
            if python.tzinfo is None:
                raise self.invalid()
            try:
                python = in_utc(python)
            except ValueError as error:
                raise self.invalid() from error
        if isinstance(key.field, IntegerField):
            low, high = self.connection.ops.integer_field_range(
                key.field.get_internal_type()
            )
            if not (low is None or low <= python) or not (
                high is None or python <= high
            ):
                raise self.invalid()
        return python

    def invalid(self) -> ValidationError:
        return ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})

    @property
    def query_parameters(self) -> set[str]:
        return {self.cursor_query_param, self.page_size_query_param}

    def get_schema_operation_parameters(self, view):
        return with_bounds(super().get_schema_operation_parameters(view), self)


class PageOrCursorPagination(pagination.BasePagination):
    """Page numbers by default; a cursor walk with `pagination=cursor` (or a
    `cursor`, which only a walk's links hold). Both envelopes have `next`,
    `previous` and `results`; page numbers also `count` and `pages`, which a
    walk skips: counting every matching row on every page is what it avoids."""

    pagination_query_param = "pagination"
    page_size = 20
    max_page_size = 100
    pages_class = PageNumberPagination

    def __init__(self):
        self.pages = self.pages_class()
        self.cursors = CursorPagination()
        for kind in (self.pages, self.cursors):
            kind.page_size, kind.max_page_size = self.page_size, self.max_page_size
        self.current = self.pages

    def chosen(self, request) -> pagination.BasePagination:
        params = request.query_params
        asked = params.get(self.pagination_query_param)
        if asked not in (None, "page", "cursor"):
            raise ValidationError(
                {
                    self.pagination_query_param: [
                        "Choose page (page numbers, the default) or cursor (a walk "
                        "from each page to the next by its `next` link)."
                    ]
                }
            )
        has_cursor = self.cursors.cursor_query_param in params
        if has_cursor and asked == "page":
            raise ValidationError(
                {
                    self.cursors.cursor_query_param: [
                        "A cursor goes on with a cursor walk: leave out "
                        "pagination=page."
                    ]
                }
            )
        walking = has_cursor or asked == "cursor"
        if walking and self.pages.page_query_param in params:
            raise ValidationError(
                {
                    self.pages.page_query_param: [
                        "A cursor walk has no page numbers: leave out page, or "
                        "walk by page numbers without pagination=cursor and cursor."
                    ]
                }
            )
        return self.cursors if walking else self.pages

    def paginate_queryset(self, queryset, request, view=None):
        self.current = self.chosen(request)
        return self.current.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return self.current.get_paginated_response(data)

    def get_next_link(self):
        return self.current.get_next_link()

    def get_previous_link(self):
        return self.current.get_previous_link()

    @property
    def display_page_controls(self) -> bool:
        return getattr(self.current, "display_page_controls", False)

    def to_html(self):
        return self.current.to_html()

    @property
    def validator_state(self):
        return self.current.validator_state

    @property
    def count(self) -> int | None:
        """All the results, on numbered pages (a walk does not count them)."""
        if self.current is self.pages:
            return self.pages.page.paginator.count
        return None

    @property
    def page_count(self) -> int | None:
        """How many numbered pages there are; None in a walk."""
        return self.pages.pages if self.current is self.pages else None

    @property
    def query_parameters(self) -> set[str]:
        return {
            self.pagination_query_param,
            *self.pages.query_parameters,
            *self.cursors.query_parameters,
        }

    def get_schema_operation_parameters(self, view):
        pages = self.pages.get_schema_operation_parameters(view)
        cursor = self.cursors.get_schema_operation_parameters(view)[0]
        for parameter in pages:
            if parameter["name"] == self.pages.page_query_param:
                parameter["description"] = (
                    "A page number (1 is the first). Not with a cursor walk."
                )
        choice = {
            "name": self.pagination_query_param,
            "required": False,
            "in": "query",
            "description": (
                "`page` (the default): numbered pages with a `count` and "
                "`pages`. `cursor`: "
                "a walk through the whole list, each page read from its place "
                "in an index, as fast at the end as at the start; follow each "
                "page's `next` link (it holds `cursor`) until it is null."
            ),
            "schema": {"type": "string", "enum": ["page", "cursor"]},
        }
        return [*pages, choice, cursor]

    def get_paginated_response_schema(self, schema):
        return envelope_schema(schema, EXAMPLE_LIST, counted=False)


class LetterPagination(PageOrCursorPagination):
    """One letter of the A–Z index: a name and a slug per term, so larger pages."""

    page_size = 500
    max_page_size = 1000
