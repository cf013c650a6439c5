"""Hostile input answers a 4xx, never a 500, and writes nothing.

NUL bytes, huge strings and integers, invalid UTF-8, deeply nested JSON,
wrong JSON types, bodies that are not JSON and unsupported content types,
sent by an editors' tool with a reviewer's token to the term and source
writes, and to the reads' search and filters.
"""

import json
from urllib.parse import urlencode

import pytest

from terms.changes import versions
from terms.models import Alias, Citation, SeeAlso, Source, Term
from tests.problems import messages

HUGE = 10**30
MEGABYTE = 1024 * 1024


@pytest.fixture
def tool(token_client):
    """A reviewer's tool that gets a 500 as a response, not as an exception."""
    return token_client(raise_request_exception=False)


@pytest.fixture
def target(make_term, category):
    """A published term (cited, in a category) and its source, to write to."""
    term = make_term("Target", category=category)
    make_term("Other")
    return term, term.citations.get().source


@pytest.fixture
def write(tool, target):
    """write(kind, body) sends one write; `kind` is one of WRITES."""
    term, source = target
    addresses = {
        "post term": ("post", "/api/v1/terms/"),
        "patch term": ("patch", f"/api/v1/terms/{term.slug}/"),
        "put term": ("put", f"/api/v1/terms/{term.slug}/"),
        "post source": ("post", "/api/v1/sources/"),
        "patch source": ("patch", f"/api/v1/sources/{source.pk}/"),
        "put source": ("put", f"/api/v1/sources/{source.pk}/"),
    }

    def send(kind, body, content_type="application/json"):
        """`body` is sent as JSON, unless it is bytes: those are sent as they are."""
        method, path = addresses[kind]
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        return tool.generic(method.upper(), path, body, content_type=content_type)

    return send


TERM_WRITES = ["post term", "patch term", "put term"]
SOURCE_WRITES = ["post source", "patch source", "put source"]
WRITES = TERM_WRITES + SOURCE_WRITES


def valid_body(kind: str) -> dict:
    """A body the endpoint would accept, for a test to spoil one field of."""
    if kind.endswith("term"):
        return {"name": "Hostile", "slug": "hostile", "definition": "Fine."}
    return {
        "key": "hostile",
        "title": "Hostile",
        "authors": "Doe",
        "year": 2020,
        "url": "https://example.org/hostile",
    }


def glossary_state():
    """Everything a refused write must leave as it was."""
    return (
        versions.head().number,
        list(Term.objects.values_list("slug", "name", "definition", "updated_at")),
        list(Source.objects.values_list("key", "title", "year", "updated_at")),
        Alias.objects.count(),
        Citation.objects.count(),
        SeeAlso.objects.count(),
    )


def assert_refused(response, *names, statuses=range(400, 500), state=None):
    """A problem 4xx (of `statuses`) whose errors name each of `names` (each
    a query parameter or body member); and, given the `glossary_state()` from
    before the request, nothing written."""
    assert response.status_code in statuses, (
        response.status_code,
        response.content[:300],
    )
    named = messages(response)  # a problem, whatever the status
    assert response.json()["detail"]
    for name in names:
        assert name in named, response.json()
    if state is not None:
        assert glossary_state() == state, "a refused write changed the glossary"


# NUL bytes ---------------------------------------------------------------------

READ_PARAMETERS = [
    ("/api/v1/terms/", "search"),
    ("/api/v1/terms/", "alias"),
    ("/api/v1/terms/", "category"),
    ("/api/v1/terms/", "letter"),
    ("/api/v1/terms/", "ordering"),
    ("/api/v1/terms/", "fields"),
    ("/api/v1/terms/", "updated_since"),
    ("/api/v1/terms/", "source"),
    ("/api/v1/terms/target/", "fields"),
    ("/api/v1/sources/", "identifier"),
    ("/api/v1/sources/", "cited_by"),
    ("/api/v1/sources/", "kind"),
    ("/api/v1/categories/", "fields"),
    ("/api/v1/autocomplete/", "q"),
]


@pytest.mark.parametrize(("path", "parameter"), READ_PARAMETERS)
def test_a_nul_byte_in_a_query_value_is_a_400_naming_it(tool, target, path, parameter):
    assert_refused(tool.get(path, {parameter: "ai\x00x"}), parameter, statuses=[400])


def test_a_nul_byte_in_a_query_parameter_name_is_a_400(tool, target):
    assert_refused(tool.get("/api/v1/terms/?sea%00rch=x"), statuses=[400])


TERM_TEXT_FIELDS = ["name", "slug", "title", "summary", "definition", "example"]
SOURCE_TEXT_FIELDS = ["key", "title", "authors", "publisher", "identifier", "url"]


@pytest.mark.parametrize(
    ("kind", "field"),
    [(kind, field) for kind in TERM_WRITES for field in TERM_TEXT_FIELDS]
    + [(kind, field) for kind in SOURCE_WRITES for field in SOURCE_TEXT_FIELDS],
)
def test_a_nul_byte_in_a_text_field_is_a_400_naming_it(write, kind, field):
    state = glossary_state()
    body = valid_body(kind) | {field: "bad\x00value"}
    assert_refused(write(kind, body), field, statuses=[400], state=state)


@pytest.mark.parametrize("kind", TERM_WRITES)
@pytest.mark.parametrize(
    ("field", "value"),
    [
        # Looked up by slug: PostgreSQL refuses NUL in a query parameter.
        ("category", "align\x00ment"),
        ("see_also", ["other\x00"]),
        ("aliases", [{"name": "Al\x00ias"}]),
        ("citations", [{"source": "1\x00", "role": "source"}]),
    ],
)
def test_a_nul_byte_in_a_reference_is_a_400_naming_it(write, kind, field, value):
    state = glossary_state()
    assert_refused(
        write(kind, valid_body(kind) | {field: value}),
        field,
        statuses=[400],
        state=state,
    )


@pytest.mark.parametrize(
    "path",
    ["/api/v1/terms/tar%00get/", "/api/v1/categories/align%00ment/"],
)
def test_a_nul_byte_in_a_path_segment_is_a_404(tool, target, path):
    assert_refused(tool.get(path), statuses=[404])


@pytest.mark.parametrize("method", ["patch", "put", "delete"])
@pytest.mark.parametrize("path", ["/api/v1/terms/tar%00get/", "/api/v1/sources/1%00/"])
def test_a_write_to_a_path_with_a_nul_byte_is_a_404(tool, path, method):
    state = glossary_state()
    response = getattr(tool, method)(path, {"name": "X"}, format="json")
    assert_refused(response, statuses=[404], state=state)


# Huge strings ------------------------------------------------------------------


@pytest.mark.parametrize("kind", TERM_WRITES)
@pytest.mark.parametrize("field", ["definition", "example"])
def test_a_megabyte_of_markdown_is_refused_naming_the_field(write, kind, field):
    # The longest definition in the fixtures is under 1,400 characters. A
    # megabyte is a mistake or an attack, and Markdown's renderer spends
    # seconds (or overflows the stack) on it at every uncached read.
    state = glossary_state()
    body = valid_body(kind) | {field: "word " * (MEGABYTE // 5)}
    assert_refused(write(kind, body), field, statuses=[400], state=state)


def test_a_long_but_plausible_definition_is_accepted(write):
    body = valid_body("post term") | {"definition": "A sentence of ten words. " * 400}
    response = write("post term", body)
    assert response.status_code == 201, response.content[:300]


def test_markdown_nested_too_deep_to_render_is_refused_not_a_500(write):
    # Two kilobytes: a list item inside a list item, a thousand deep. The
    # Markdown renderer recurses once per level and runs out of stack.
    state = glossary_state()
    body = valid_body("post term") | {"definition": "- " * 1000 + "deep"}
    assert_refused(write("post term", body), "definition", statuses=[400], state=state)


@pytest.mark.parametrize("kind", ["post term", "post source"])
def test_a_body_over_the_upload_limit_is_a_413(write, kind, settings):
    state = glossary_state()
    body = valid_body(kind) | {
        "title": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    }
    # 413 Content Too Large, a problem as every other error under /api/.
    assert_refused(write(kind, body), statuses=[413], state=state)


@pytest.mark.parametrize("kind", WRITES)
def test_an_overlong_name_or_title_is_a_400_naming_it(write, kind):
    state = glossary_state()
    field = "name" if kind.endswith("term") else "title"
    body = valid_body(kind) | {field: "x" * 100_000}
    assert_refused(write(kind, body), field, statuses=[400], state=state)


# "ﷺ" is one character that spells out as 18, and "각" one of 3: names within
# 200 characters whose folded forms pass the 600 the index columns hold.
SPELT_OUT_LONG = ["ﷺ" * 34, "ﷺ" + "각" * 199]


@pytest.mark.parametrize("name", SPELT_OUT_LONG, ids=["ligatures", "hangul"])
@pytest.mark.parametrize("kind", TERM_WRITES)
def test_a_name_too_long_once_spelt_out_is_a_400_naming_it(write, kind, name):
    state = glossary_state()
    body = valid_body(kind) | {"name": name}
    assert_refused(write(kind, body), "name", statuses=[400], state=state)


@pytest.mark.parametrize("name", SPELT_OUT_LONG, ids=["ligatures", "hangul"])
@pytest.mark.parametrize("kind", TERM_WRITES)
def test_an_alias_too_long_once_spelt_out_is_a_400_naming_it(write, kind, name):
    state = glossary_state()
    body = valid_body(kind) | {"aliases": [{"name": name, "kind": "synonym"}]}
    assert_refused(write(kind, body), "aliases", statuses=[400], state=state)


@pytest.mark.parametrize(("path", "parameter"), READ_PARAMETERS)
def test_a_huge_query_value_is_a_400_naming_it(tool, target, path, parameter):
    # As long as an address may be (a megabyte is a 414, below).
    response = tool.get(path, {parameter: "x" * 4000})
    assert_refused(response, parameter, statuses=[400])


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/terms/?search=" + "x" * MEGABYTE,
        "/api/v1/terms/?search=" + "x" * 4075,  # 4097 characters in all
        "/api/v1/terms/" + "a" * 5000 + "/",
        "/api/v1/index/?" + "&".join(f"p{n}=1" for n in range(1000)),
    ],
)
def test_an_address_over_the_limit_is_a_414_naming_the_limit(tool, address):
    response = tool.get(address)
    assert response.status_code == 414
    assert response["Content-Type"] == "application/problem+json"
    assert "4096" in response.json()["detail"]


def test_an_address_at_the_limit_is_answered_as_any_other(tool, target):
    address = "/api/v1/terms/?search=" + "x" * 4074  # 4096 characters
    response = tool.get(address)
    assert_refused(response, "search", statuses=[400])  # too long a search


# Huge integers -----------------------------------------------------------------


@pytest.mark.parametrize("kind", SOURCE_WRITES)
@pytest.mark.parametrize("year", [HUGE, -HUGE, 10**4000, 1e308])
def test_a_huge_year_is_a_400_naming_it(write, kind, year):
    state = glossary_state()
    assert_refused(
        write(kind, valid_body(kind) | {"year": year}),
        "year",
        statuses=[400],
        state=state,
    )


@pytest.mark.parametrize("kind", TERM_WRITES)
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("citations", [{"source": HUGE, "role": "source"}]),
        ("citations", [{"source": -HUGE, "role": "source"}]),
        ("citations", [{"source": "SOURCE", "role": "source", "position": HUGE}]),
        ("review_interval_days", HUGE),
        ("review_interval_days", -HUGE),
    ],
)
def test_a_huge_integer_in_a_term_is_a_400_naming_it(write, target, kind, field, value):
    state = glossary_state()
    if field == "citations" and value[0]["source"] == "SOURCE":
        value = [value[0] | {"source": target[1].pk}]
    assert_refused(
        write(kind, valid_body(kind) | {field: value}),
        field,
        statuses=[400],
        state=state,
    )


@pytest.mark.parametrize(
    "raw",
    [
        b"9" * 5000,  # past Python's limit on integer digits
        b"1e999999",
        b"NaN",
        b"-Infinity",
    ],
)
def test_unrepresentable_json_numbers_are_a_400(write, raw):
    state = glossary_state()
    body = b'{"key": "k", "title": "t", "authors": "a", "url": "https://e.org/", '
    body += b'"year": ' + raw + b"}"
    response = write("post source", body)
    assert_refused(response, statuses=[400], state=state)


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/terms/", "page"),  # past MAX_PAGE
        ("/api/v1/terms/", "page_size"),
        ("/api/v1/terms/", "source"),
        ("/api/v1/sources/", "year"),
        ("/api/v1/sources/", "page"),
        ("/api/v1/categories/", "page_size"),
        ("/api/v1/autocomplete/", "limit"),
    ],
)
@pytest.mark.parametrize("value", [HUGE, -HUGE])
def test_a_huge_integer_in_a_query_is_refused_naming_it(
    tool, target, path, parameter, value
):
    query = {parameter: value} | ({"q": "t"} if "autocomplete" in path else {})
    response = tool.get(path, query)
    assert_refused(response, parameter, statuses=[400])


@pytest.mark.parametrize("method", ["get", "patch", "put", "delete"])
def test_a_huge_source_id_in_the_path_is_a_404(tool, method):
    state = glossary_state()
    response = getattr(tool, method)(f"/api/v1/sources/{HUGE}/", {}, format="json")
    # Reviewers may not delete: that is checked before the source is looked up.
    assert_refused(
        response, statuses=[403] if method == "delete" else [404], state=state
    )


# Invalid UTF-8 -----------------------------------------------------------------


@pytest.mark.parametrize("kind", WRITES)
@pytest.mark.parametrize(
    "raw",
    [
        b'{"name": "\xff\xfe", "title": "\xc3\x28"}',
        b"\xef\xbb\xbf\xff",
        b'{"name": "\xed\xa0\x80"}',  # an encoded UTF-16 surrogate
    ],
)
def test_a_body_that_is_not_utf8_is_a_400(write, kind, raw):
    state = glossary_state()
    assert_refused(write(kind, raw), statuses=[400], state=state)


@pytest.mark.parametrize(("path", "parameter"), READ_PARAMETERS)
def test_a_query_value_that_is_not_utf8_is_a_400_naming_it(
    tool, target, path, parameter
):
    # Django decodes a query string leniently, with U+FFFD for bad bytes: the
    # API would search for (or file under) characters nobody sent.
    response = tool.get(path, QUERY_STRING=f"{parameter}=ai%FF%FEx")
    assert_refused(response, parameter, statuses=[400])


def test_raw_bytes_in_the_query_string_that_are_not_utf8_are_a_400(tool, target):
    # A WSGI server hands the query string over as bytes in a latin-1 str.
    response = tool.get("/api/v1/terms/", QUERY_STRING="search=ai\xff\xfe")
    assert_refused(response, "search", statuses=[400])


@pytest.mark.parametrize(
    "path", ["/api/v1/terms/%FF%FE/", "/api/v1/categories/%C3%28/"]
)
def test_a_path_that_is_not_utf8_is_a_404(tool, target, path):
    assert_refused(tool.get(path), statuses=[404])


# Deeply nested JSON ------------------------------------------------------------


def nested(depth: int, opening: str = "[", closing: str = "]", inner="1") -> bytes:
    return (opening * depth + inner + closing * depth).encode()


@pytest.mark.parametrize("kind", WRITES)
def test_ten_thousand_nested_lists_are_a_400(write, kind):
    state = glossary_state()
    assert_refused(write(kind, nested(10_000)), statuses=[400], state=state)


@pytest.mark.parametrize("kind", ["post term", "patch term", "post source"])
def test_deep_nesting_inside_a_field_is_a_400(write, kind):
    state = glossary_state()
    field = "definition" if kind.endswith("term") else "title"
    body = b'{"%s": %s}' % (field.encode(), nested(10_000, '{"a":', "}"))
    assert_refused(write(kind, body), statuses=[400], state=state)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("aliases", json.loads(nested(100, "[", "]", '{"name": "x"}'))),
        ("citations", json.loads(nested(100, "[", "]", '{"source": 1}'))),
        ("see_also", json.loads(nested(100))),
    ],
)
def test_moderately_nested_lists_in_a_term_are_a_400_naming_the_field(
    write, field, value
):
    state = glossary_state()
    body = valid_body("post term") | {field: value}
    assert_refused(write("post term", body), field, statuses=[400], state=state)


# Wrong JSON types --------------------------------------------------------------


@pytest.mark.parametrize("kind", WRITES)
@pytest.mark.parametrize("body", [[1, 2], "a string", 42, None, True])
def test_a_body_that_is_not_an_object_is_a_400(write, kind, body):
    state = glossary_state()
    assert_refused(write(kind, body), statuses=[400], state=state)


@pytest.mark.parametrize("kind", TERM_WRITES)
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", None),
        ("name", {"a": 1}),
        ("name", ["Hostile"]),
        ("slug", 42.5),
        ("status", ["published"]),
        ("citations", "abc"),
        ("citations", {"source": 1}),
        ("citations", ["abc"]),
        ("citations", [{"source": [1], "role": "source"}]),
        ("citations", [{"source": "SOURCE", "role": {"a": 1}}]),
        ("citations", [{"source": "SOURCE", "accessed": 20260101}]),
        ("aliases", "Flattery"),
        ("aliases", [["Flattery"]]),
        ("aliases", [{"name": None}]),
        ("see_also", "other"),
        ("see_also", [{"slug": "other"}]),
        ("see_also", [None]),
        ("see_also", {"other": 1}),
        ("category", ["alignment"]),
        ("category", {"slug": "alignment"}),
        ("last_reviewed", 20260101),
        ("review_interval_days", "often"),
        ("review_interval_days", [30]),
    ],
)
def test_a_wrong_json_type_in_a_term_is_a_400_naming_it(
    write, target, kind, field, value
):
    state = glossary_state()
    if field == "citations" and "SOURCE" in str(value):
        value = [value[0] | {"source": target[1].pk}]
    assert_refused(
        write(kind, valid_body(kind) | {field: value}),
        field,
        statuses=[400],
        state=state,
    )


@pytest.mark.parametrize("kind", SOURCE_WRITES)
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", None),
        ("title", {"a": 1}),
        ("year", "two thousand"),
        ("year", [2020]),
        ("year", None),
        ("url", ["https://example.org/"]),
        ("link", ["https://example.org/"]),
        ("kind", {"paper": True}),
    ],
)
def test_a_wrong_json_type_in_a_source_is_a_400_naming_it(write, kind, field, value):
    state = glossary_state()
    assert_refused(
        write(kind, valid_body(kind) | {field: value}),
        field,
        statuses=[400],
        state=state,
    )


# Not JSON, or not a type the API reads -----------------------------------------


@pytest.mark.parametrize("kind", WRITES)
@pytest.mark.parametrize(
    "raw", [b"name: Hostile", b"{", b'{"name": "x",}', b"<term/>", b"'single'"]
)
def test_a_body_that_is_not_json_is_a_400(write, kind, raw):
    state = glossary_state()
    assert_refused(write(kind, raw), statuses=[400], state=state)


@pytest.mark.parametrize("kind", ["post term", "put term", "post source", "put source"])
def test_an_empty_body_is_a_400(write, kind):
    state = glossary_state()
    assert_refused(write(kind, b""), statuses=[400], state=state)


@pytest.mark.parametrize("kind", WRITES)
@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/xml", "application/yaml", "text/html", ""],
)
def test_an_unsupported_content_type_is_a_415(write, kind, content_type):
    state = glossary_state()
    body = json.dumps(valid_body(kind)).encode()
    assert_refused(
        write(kind, body, content_type=content_type), statuses=[415], state=state
    )


@pytest.mark.parametrize("kind", ["post term", "put term", "patch term"])
@pytest.mark.parametrize("form", ["multipart", "urlencoded"])
def test_a_form_body_cannot_silently_drop_a_terms_lists(tool, target, kind, form):
    # A form cannot carry the nested aliases, citations and see-also a JSON
    # body can: a term written from one must be refused, not saved without them.
    state = glossary_state()
    term, source = target
    method = kind.split()[0]
    path = "/api/v1/terms/" if method == "post" else f"/api/v1/terms/{term.slug}/"
    data = {
        "name": "Hostile",
        "slug": "hostile",
        "citations": json.dumps([{"source": source.pk, "role": "source"}]),
        "see_also": "other",
        "aliases": "Flattery",
    }
    if form == "multipart":
        response = getattr(tool, method)(path, data, format="multipart")
    else:
        response = getattr(tool, method)(
            path, urlencode(data), content_type="application/x-www-form-urlencoded"
        )
    assert_refused(response, statuses=[400, 415], state=state)
