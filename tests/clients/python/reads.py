"""A Python front-end's (or a static build's) use of the glossary API through
a client generated from /api/schema/ by openapi-python-client: every public
read, anonymously, then an editor's write with If-Match.

tests/test_clients.py type-checks it with `mypy --strict`, runs it against a
live server and checks each answer against the schema: the client prints
every response as a JSON line {method, url, status, content_type, body}.
Written as against a correct schema: no casts, no checks for fields the API
always answers, and no deprecated field (`link` and `citation` on sources, not
`url` and `reference`)."""

import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar

import httpx
from glossary_api_client import AuthenticatedClient, Client
from glossary_api_client.api.v1 import (
    v1_autocomplete_retrieve,
    v1_categories_list,
    v1_categories_retrieve,
    v1_index_letter_retrieve,
    v1_index_retrieve,
    v1_preview_retrieve,
    v1_sources_list,
    v1_sources_retrieve,
    v1_sync_retrieve,
    v1_terms_citations_retrieve,
    v1_terms_list,
    v1_terms_partial_update,
    v1_terms_retrieve,
)
from glossary_api_client.models import (
    Category,
    Index,
    IndexLetterPage,
    PaginatedCategoryOrPartialList,
    PaginatedSourceOrPartialList,
    PaginatedTermListOrPartialList,
    PatchedTermWrite,
    Problem,
    Source,
    Suggestions,
    SyncPage,
    TermDetail,
    TermList,
    V1IndexLetterRetrieveLetter,
    V1TermsCitationsRetrieveFormat,
    V1TermsListOrderingItem,
    V1TermsRetrieveFormat,
)
from glossary_api_client.types import Response

BASE_URL = os.environ["GLOSSARY_API_URL"]
TOKEN = os.environ["GLOSSARY_API_TOKEN"]
PREVIEW_TOKEN = os.environ["GLOSSARY_PREVIEW_TOKEN"]
JSON = re.compile(r"application/([\w.-]+\+)?json")

T = TypeVar("T")


def record(response: httpx.Response) -> None:
    response.read()
    content_type = response.headers.get("Content-Type", "")
    is_json = JSON.match(content_type) and response.content
    line = {
        "method": response.request.method,
        "url": str(response.request.url),
        "status": response.status_code,
        "content_type": content_type,
        "body": response.json() if is_json else response.text,
    }
    print(json.dumps(line), flush=True)


HOOKS = {"event_hooks": {"response": [record]}}
anonymous = Client(base_url=BASE_URL, httpx_args=HOOKS, raise_on_unexpected_status=True)
editor = AuthenticatedClient(
    base_url=BASE_URL,
    token=TOKEN,
    prefix="Token",
    httpx_args=HOOKS,
    raise_on_unexpected_status=True,
)
problems: list[str] = []


def answer(response: Response[Any], kind: type[T]) -> T:
    """The parsed body, when it is what the call was for. A read that takes
    `fields=` is typed `X | PartialX` (the schema's `anyOf`), and parsed as X
    when every member of X is there, as it is without `fields`: `kind` X
    narrows it. (List items: `isinstance(item, TermList)`.)"""
    if not isinstance(response.parsed, kind):
        raise LookupError(f"expected a {kind.__name__}, got {response.status_code}")
    return response.parsed


@contextmanager
def step(what: str) -> Iterator[None]:
    """One thing a front-end does: its failure is reported, and the others
    still run."""
    try:
        yield
    except Exception as error:  # whatever it is, it is the finding
        problems.append(f"{what}: {type(error).__name__}: {error}")


def expect(ok: bool, what: str) -> None:
    if not ok:
        problems.append(what)


# The glossary's first page, and a term's card in it.
terms = answer(
    v1_terms_list.sync_detailed(client=anonymous, page_size=5),
    PaginatedTermListOrPartialList,
)
whole_terms = [term for term in terms.results if isinstance(term, TermList)]
first = whole_terms[0]
with step("cards"):
    cards = [
        {
            "heading": term.name.upper(),
            "summary": term.summary.strip(),
            "category": term.category.name if term.category else "Uncategorised",
            "reviewed": term.last_reviewed or "never",
            "href": httpx.URL(term.url).path,
            "permalink": httpx.URL(term.permalink).path,
        }
        for term in whole_terms
    ]
    # (A search may skip counting; a plain list always counts.)
    expect(len(cards) == len(terms.results), "cards")
    expect(isinstance(terms.count, int) and terms.count >= len(cards), "count")

# Sorted by two keys, sent as the client sends a list.
with step("ordering"):
    ordering = [V1TermsListOrderingItem(key) for key in ("-last_reviewed", "name")]
    by_review = answer(
        v1_terms_list.sync_detailed(client=anonymous, ordering=ordering, page_size=20),
        PaginatedTermListOrPartialList,
    )
    reviewed = [
        term.last_reviewed or date.min
        for term in by_review.results
        if isinstance(term, TermList)
    ]
    expect(reviewed == sorted(reviewed, reverse=True), "ordering")

# Search: ranked results, maybe suggestions, maybe an estimated count.
with step("search"):
    found = answer(
        v1_terms_list.sync_detailed(client=anonymous, search=first.name),
        PaginatedTermListOrPartialList,
    )
    expect(any(term.slug == first.slug for term in found.results), "search")

# The term's page: definition, numbered sources, see also, permalink.
read = v1_terms_retrieve.sync_detailed(first.slug, client=anonymous)
term = answer(read, TermDetail)
etag = read.headers["ETag"]
with step("term page"):
    page = {
        "title": term.title or term.name.upper(),
        "sources": [f"{source.number}. {source.citation}" for source in term.sources],
        "see_also": [(link.name, link.permalink) for link in term.see_also],
        "reading": [f"{item.citation} {item.link}" for item in term.further_reading],
        "permalink": httpx.URL(term.permalink).host,
        "review_due": term.review_due.year,
        "definition": term.definition_html.strip(),
    }
    expect(bool(page["sources"]), "term page")

# The same term as schema.org JSON-LD, for the page's <script> tag.
with step("JSON-LD"):
    ld = v1_terms_retrieve.sync_detailed(
        first.slug, client=anonymous, format_=V1TermsRetrieveFormat.JSONLD
    )
    expect(json.loads(ld.content)["mainEntity"]["name"] == term.name, "JSON-LD")
    expect(not isinstance(ld.parsed, TermDetail), "JSON-LD parsed as a TermDetail")

# What the term cites, for a reader's reference manager (CSL-JSON: the
# generated client parses a response's first content type only).
with step("CSL-JSON"):
    items = v1_terms_citations_retrieve.sync_detailed(
        first.slug, client=anonymous, format_=V1TermsCitationsRetrieveFormat.CSL_JSON
    ).parsed
    expect(isinstance(items, list) and all(item.title for item in items), "CSL-JSON")

# A search box's suggestions as the reader types.
with step("autocomplete"):
    typed = answer(
        v1_autocomplete_retrieve.sync_detailed(
            client=anonymous, q=first.name[:2], limit=5
        ),
        Suggestions,
    )
    expect(any(hit.slug == first.slug for hit in typed.results), "autocomplete")

# The A–Z index, and its first letter's page.
with step("index"):
    index = answer(v1_index_retrieve.sync_detailed(client=anonymous), Index)
    letter = index.letters[0]
    letter_page = answer(
        v1_index_letter_retrieve.sync_detailed(
            V1IndexLetterRetrieveLetter(letter.letter.value), client=anonymous
        ),
        IndexLetterPage,
    )
    expect(len(letter_page.terms) == min(letter.count, 500), "index letter")

# Sources, and one of them with the terms citing it.
with step("sources"):
    sources = answer(
        v1_sources_list.sync_detailed(client=anonymous, page_size=5),
        PaginatedSourceOrPartialList,
    )
    listed = [item for item in sources.results if isinstance(item, Source)]
    source = answer(
        v1_sources_retrieve.sync_detailed(listed[0].id, client=anonymous), Source
    )
    expect(source.title.upper() != "" and source.year > 0, "source")
    expect(f"{source.citation} {source.link}".strip() != "", "source's citation")
    expect(all(httpx.URL(t.permalink).path for t in source.cited_by), "source's terms")

# Categories, the navigation's sections.
with step("categories"):
    categories = answer(
        v1_categories_list.sync_detailed(client=anonymous),
        PaginatedCategoryOrPartialList,
    )
    sections = [item for item in categories.results if isinstance(item, Category)]
    for section in sections[:1]:
        category = answer(
            v1_categories_retrieve.sync_detailed(section.slug, client=anonymous),
            Category,
        )
        expect(category.name.upper() == section.name.upper(), "category")
        expect(category.term_count == section.term_count, "category count")

# A static build's first sync.
with step("sync"):
    sync = answer(v1_sync_retrieve.sync_detailed(client=anonymous, limit=50), SyncPage)
    expect(any(entry.kind == "term" for entry in sync.results), "sync")
    expect(bool(sync.next_cursor), "sync cursor")

# The front-end's preview route, with the token of an editor's Preview link.
with step("preview"):
    preview = answer(
        v1_preview_retrieve.sync_detailed(client=anonymous, token=PREVIEW_TOKEN),
        TermDetail,
    )
    expect(preview.name.upper() != "", "preview")

# A term that is not there, and a write that is refused: their answers are
# the schema's too, problems (`Problem`) naming what was wrong (an empty
# summary: the publish rule, at `/status`).
with step("missing term"):
    missing = answer(
        v1_terms_retrieve.sync_detailed("no-such-term", client=anonymous), Problem
    )
    expect(missing.status == 404 and missing.detail != "", "missing term")
with step("invalid write"):
    invalid = answer(
        v1_terms_partial_update.sync_detailed(
            term.slug, client=editor, body=PatchedTermWrite(summary=""), if_match=etag
        ),
        Problem,
    )
    expect(
        invalid.status == 400
        and bool(invalid.errors)
        and all(
            isinstance(error.pointer, str) and error.detail for error in invalid.errors
        ),
        "invalid write",
    )

# An editor's tool changes the summary it read, then tries again with the
# ETag it had: the second write is refused as stale.
with step("write"):
    summary = f"{term.summary.strip()} (Edited on {date.today():%d %B %Y}.)"
    write = v1_terms_partial_update.sync_detailed(
        term.slug, client=editor, body=PatchedTermWrite(summary=summary), if_match=etag
    )
    written = answer(write, TermDetail)
    expect(written.summary == summary and write.headers["ETag"] != etag, "write")
    stale = answer(
        v1_terms_partial_update.sync_detailed(
            term.slug,
            client=editor,
            body=PatchedTermWrite(summary="Stale."),
            if_match=etag,
        ),
        Problem,
    )
    expect(stale.status == 412, "stale")

for problem in problems:
    print(f"Unexpected answer: {problem}", file=sys.stderr)
sys.exit(1 if problems else 0)
