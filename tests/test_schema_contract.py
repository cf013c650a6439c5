"""The OpenAPI document is as strict as the server, as generated clients
(openapi-typescript, openapi-python-client) and fuzzers meet it: what is
always there is required, reads need no credentials, parameters carry their
real types and bounds, and what the schema allows the server accepts."""

import pytest

from terms.validators import year_range
from tests.problems import messages
from tests.test_openapi import resolve

TERM, SOURCE = "/api/v1/terms/{slug}/", "/api/v1/sources/{id}/"


@pytest.fixture
def schema(api):
    return api.get("/api/schema/?format=json").json()


def parameters(schema, path, method="get") -> dict:
    operation = schema["paths"][path][method]
    return {p["name"]: resolve(schema, p) for p in operation.get("parameters", [])}


def component(schema, name) -> dict:
    return schema["components"]["schemas"][name]


@pytest.mark.parametrize(
    ("name", "always"),
    [
        ("TermDetail", ["slug", "name", "url", "definition_html", "sources"]),
        ("TermList", ["slug", "name", "url", "category", "version"]),
        ("Source", ["id", "title", "year", "cited_by", "version"]),
        ("Category", ["slug", "name", "term_count"]),
        ("Citation", ["number", "title", "citation"]),
    ],
)
def test_fields_always_present_are_required(schema, name, always):
    assert set(always) <= set(component(schema, name).get("required", []))


def test_a_sparse_fieldset_has_its_own_partial_shape(schema):
    responses = schema["paths"][TERM]["get"]["responses"]
    content = resolve(schema, responses["200"])["content"]["application/json"]
    either = resolve(schema, content["schema"])["anyOf"]
    shapes = [s["$ref"].rsplit("/", 1)[1] for s in either]
    assert shapes == ["TermDetail", "PartialTermDetail"]
    partial = component(schema, "PartialTermDetail")
    assert "required" not in partial
    assert set(partial["properties"]) == set(
        component(schema, "TermDetail")["properties"]
    )


@pytest.mark.parametrize(
    "path", ["/api/v1/terms/", TERM, "/api/v1/index/", SOURCE, "/api/v1/preview/"]
)
def test_reads_are_documented_as_open_to_anonymous_readers(schema, path):
    # No requirement at all: generated clients (openapi-python-client) then
    # take an anonymous client; "[{}, token]" would make them demand a token.
    assert "security" not in schema
    assert schema["paths"][path]["get"].get("security", []) == []


def test_writes_still_need_credentials(schema):
    security = schema["paths"][TERM]["patch"]["security"]
    assert security
    assert {} not in security


def test_a_source_id_is_an_integer(schema):
    assert parameters(schema, SOURCE)["id"]["schema"]["type"] == "integer"


@pytest.mark.parametrize(
    ("path", "name", "bounds"),
    [
        ("/api/v1/terms/", "page", {"minimum": 1}),
        ("/api/v1/terms/", "page_size", {"minimum": 1, "maximum": 100}),
        ("/api/v1/index/{letter}/", "page_size", {"minimum": 1, "maximum": 1000}),
        ("/api/v1/sources/", "page_size", {"minimum": 1, "maximum": 100}),
        ("/api/v1/terms/", "search", {"minLength": 1, "maxLength": 200}),
        ("/api/v1/terms/", "alias", {"minLength": 1, "maxLength": 200}),
        ("/api/v1/sources/", "year", {"minimum": 1450}),
        ("/api/v1/sources/", "identifier", {"minLength": 1, "maxLength": 200}),
    ],
)
def test_query_parameters_declare_the_bounds_the_server_enforces(
    schema, path, name, bounds
):
    declared = parameters(schema, path)[name]["schema"]
    assert {key: declared.get(key) for key in bounds} == bounds


def test_every_string_query_parameter_refuses_the_empty_string(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                parameter = resolve(schema, parameter)
                declared = parameter["schema"]
                if parameter["in"] != "query" or declared.get("type") != "string":
                    continue
                if "enum" not in declared:
                    assert declared.get("minLength") == 1, (method, path, parameter)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/terms/?page=0", 400),
        ("/api/v1/terms/?page=1000001", 400),
        ("/api/v1/terms/?search=alignment&page=99999999999999999999", 400),
        ("/api/v1/index/A/?page=1000001", 400),
        ("/api/v1/terms/?page_size=0", 400),
        ("/api/v1/terms/?page_size=101", 400),
        ("/api/v1/terms/?search=", 400),
        ("/api/v1/sources/?year=1449", 400),
        ("/api/v1/sources/?year=1450", 200),
    ],
)
def test_the_server_enforces_the_declared_bounds(api, seed, url, status):
    assert api.get(url).status_code == status


def test_page_numbers_are_declared_with_their_bounds(schema):
    for path in ("/api/v1/terms/", "/api/v1/sources/", "/api/v1/index/{letter}/"):
        page = parameters(schema, path)["page"]["schema"]
        assert (page["minimum"], page["maximum"]) == (1, 1_000_000), path


def test_ordering_is_declared_exploded_and_accepted_so(api, seed, schema):
    ordering = parameters(schema, "/api/v1/terms/")["ordering"]
    assert ordering.get("style", "form") == "form"
    assert ordering.get("explode", True) is True
    exploded = api.get("/api/v1/terms/?ordering=-updated_at&ordering=name")
    comma = api.get("/api/v1/terms/?ordering=-updated_at,name")
    assert exploded.status_code == comma.status_code == 200, exploded.json()
    assert exploded.json()["results"] == comma.json()["results"]


def test_fields_name_the_serializers_fields_and_may_be_repeated(api, seed, schema):
    fields = parameters(schema, TERM)["fields"]
    assert "definition_html" in fields["schema"]["items"]["enum"]
    assert fields.get("explode", True) is True
    exploded = api.get("/api/v1/terms/ai-alignment/?fields=slug&fields=name")
    comma = api.get("/api/v1/terms/ai-alignment/?fields=slug,name")
    assert exploded.status_code == 200, exploded.json()
    assert (
        exploded.json()
        == comma.json()
        == {"slug": "ai-alignment", "name": "AI alignment"}
    )


def test_json_ld_has_its_own_component(schema):
    responses = schema["paths"][TERM]["get"]["responses"]
    content = resolve(schema, responses["200"])["content"]["application/ld+json"]
    assert content["schema"] == {"$ref": "#/components/schemas/TermJsonLD"}
    assert "mainEntity" in component(schema, "TermJsonLD")["required"]


@pytest.mark.parametrize("write", ["TermWrite", "PatchedTermWrite", "SourceWrite"])
def test_write_bodies_declare_no_other_fields(schema, write):
    assert component(schema, write)["additionalProperties"] is False


@pytest.mark.parametrize(
    ("method", "body", "field"),
    [
        ("patch", {"bogus": 1}, "bogus"),
        ("patch", {"name": 0}, "name"),
        ("patch", {"summary": True}, "summary"),
        (
            "patch",
            {"aliases": [{"name": "X", "kind": "synonym", "extra": 1}]},
            "aliases",
        ),
    ],
)
def test_writes_refuse_unknown_fields_and_wrong_json_types(
    tool, make_term, method, body, field
):
    term = make_term("Refusal")
    response = getattr(tool, method)(f"/api/v1/terms/{term.slug}/", body, format="json")
    assert response.status_code == 400, response.json()
    assert field in messages(response)
    term.refresh_from_db()
    assert term.name == "Refusal"


def test_a_source_write_refuses_a_number_for_text(tool, make_source):
    source = make_source()
    response = tool.patch(f"/api/v1/sources/{source.pk}/", {"title": 5}, format="json")
    assert response.status_code == 400
    assert "title" in response.json()


def test_a_sources_year_has_the_bounds_its_validator_checks(schema, tool):
    earliest, latest = year_range()
    year = component(schema, "SourceWrite")["properties"]["year"]
    assert (year["minimum"], year["maximum"]) == (earliest, latest)
    body = {"key": "k", "title": "T", "authors": "A", "url": "https://example.org/"}
    for value, status in [(earliest - 1, 400), (earliest, 201), (latest + 1, 400)]:
        response = tool.post("/api/v1/sources/", body | {"year": value}, format="json")
        assert response.status_code == status, response.json()


def test_a_preview_token_has_the_shape_the_schema_declares(api, db, schema):
    token = parameters(schema, "/api/v1/preview/")["token"]["schema"]
    assert token["pattern"] == "^[A-Za-z0-9_.:-]+$"
    response = api.get("/api/v1/preview/", {"token": "ü" * 400})
    assert response.status_code == 400
    assert "token" in messages(response)


@pytest.mark.parametrize(
    "since",
    [
        "0912-04-10T01:39:05-21:09",  # PostgreSQL's offsets stop at ±15:59
        "0001-01-01T00:00:00+05:00",  # before the first year in UTC
        "9999-12-31T23:59:59-05:00",  # after the last
    ],
)
def test_any_iso_8601_date_time_filters_the_list(api, make_term, since):
    make_term("Recent")
    response = api.get("/api/v1/terms/", {"updated_since": since})
    assert response.status_code == 200, response.json()
    assert response.json()["count"] == (0 if since.startswith("9999") else 1)
