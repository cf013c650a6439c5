"""Pages of search results: GET /api/v1/terms/?search=…

A search's page envelope is the list's (`count`, `next`, `previous`,
`results`) with two more members, always present on a search's pages:

- `count_is_estimate`: counting every match of a word most terms hold
  would read most of the glossary, so a search counts up to
  GLOSSARY_SEARCH_COUNT_CAP (1,000) and stops. Past it, `count` is the cap
  and this is true: more terms than `count` match. The number is the cap,
  not the database planner's guess: the same on both databases, on every
  page of a search, whatever the statistics. (PostgreSQL's estimate only
  spares the count of a search of plain words when it expects five times
  the cap or more: terms.search.page.)
- `suggestions`: when nothing matches, terms whose name or an alias is
  spelt like the search ("did you mean", terms/spelling.py), from all the
  terms the reader may see; otherwise empty.

The page and its count are terms/search.py's `page()`. A page number is
valid while its page has results, and `next` is null on the last one,
even when the count stopped at the cap.
"""

from django.conf import settings
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from terms import search
from terms.spelling import did_you_mean

from .pagination import (
    MAX_PAGE,
    PageNumberPagination,
    PageOrCursorPagination,
    positive_int,
)
from .serializers import PERMALINK_HELP, URL_HELP, TermLinks

SUGGESTION_SCHEMA = {
    "type": "object",
    "required": ["match", "slug", "name", "url", "permalink"],
    "properties": {
        "match": {
            "type": "string",
            "description": "The name or alias spelt like the search.",
        },
        "slug": {"type": "string"},
        "name": {"type": "string", "description": "The term's name."},
        "url": {"type": "string", "format": "uri", "description": URL_HELP},
        "permalink": {
            "type": "string",
            "format": "uri",
            "description": PERMALINK_HELP,
        },
    },
}


# What a search's numbered pages add to the envelope (optional in the
# schema: other lists' pages and a cursor walk's have neither).
SEARCH_MEMBERS = {
    "count_is_estimate": {
        "type": "boolean",
        "description": "With `search`, on numbered pages, always: true when "
        "the count stopped at the cap (GLOSSARY_SEARCH_COUNT_CAP, 1,000 by "
        "default): more terms than `count` match. (On PostgreSQL, for plain "
        "words, also when the planner expects five times the cap or more, "
        "and the search is not counted.)",
    },
    "suggestions": {
        "type": "array",
        "items": SUGGESTION_SCHEMA,
        "description": "With `search`, on numbered pages, always: when nothing "
        "matched, up to 5 terms whose name or an alias is spelt like the "
        "search, the closest first; otherwise empty.",
    },
}


class SearchPagination(PageNumberPagination):
    """The term list's pages; with `search`, as this module describes."""

    def paginate_queryset(self, queryset, request, view=None):
        self.text = searched_text(request, view)
        if self.text is None:
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        size = self.get_page_size(request)
        self.number = positive_int(
            request.query_params, self.page_query_param, 1, MAX_PAGE
        )
        found = search.page(
            queryset,
            self.text,
            (self.number - 1) * size,
            size,
            cap=settings.GLOSSARY_SEARCH_COUNT_CAP,
        )
        if not found.rows and self.number > 1:
            raise NotFound({self.page_query_param: [str(self.invalid_page_message)]})
        self.more = found.more
        self.count, self.count_is_estimate = found.count, found.count_is_estimate
        spelt = did_you_mean(view.get_queryset(), self.text) if not self.count else []
        self.suggestions = list(map(TermLinks(request), spelt))
        return found.rows

    @property
    def validator_state(self) -> tuple:
        """What a search's page shows besides its members, for its
        validator: the count, and the suggestions (names can change)."""
        if self.text is None:
            return super().validator_state
        return (self.count, self.count_is_estimate, self.suggestions)

    def get_paginated_response(self, data):
        if self.text is None:
            return super().get_paginated_response(data)
        return Response(
            {
                "count": self.count,
                "count_is_estimate": self.count_is_estimate,
                "pages": self.pages,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
                "suggestions": self.suggestions,
            }
        )

    @property
    def pages(self) -> int | None:
        if self.text is None:
            return super().pages
        if self.count_is_estimate:
            return None
        return max(1, -(-self.count // self.get_page_size(self.request)))

    def get_next_link(self):
        if self.text is None:
            return super().get_next_link()
        if not self.more:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.page_query_param, self.number + 1)

    def get_previous_link(self):
        if self.text is None:
            return super().get_previous_link()
        if self.number == 1:
            return None
        url = self.request.build_absolute_uri()
        if self.number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.number - 1)

    def get_paginated_response_schema(self, schema):
        envelope = super().get_paginated_response_schema(schema)
        envelope["properties"] |= SEARCH_MEMBERS
        return envelope


def searched_text(request, view) -> str | None:
    """The search the list's filter applied (cleaned by its own field), or
    None when there is none."""
    raw = request.query_params.get("search")
    if raw is None or view is None:
        return None
    field = view.filterset_class.base_filters["search"].field
    return field.clean(raw) or None


class TermPagination(PageOrCursorPagination):
    """The term list: numbered pages (a search's as above) or a cursor walk."""

    pages_class = SearchPagination

    def get_paginated_response_schema(self, schema):
        envelope = super().get_paginated_response_schema(schema)
        envelope["properties"] |= SEARCH_MEMBERS
        return envelope
