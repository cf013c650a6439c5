import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

PROBLEM = "application/problem+json"

ENDPOINTS = [
    "/api/v1/terms/",
    "/api/v1/terms/{slug}/",
    "/api/v1/index/",
    "/api/v1/index/{letter}/",
    "/api/v1/autocomplete/",
    "/api/v1/sources/",
    "/api/v1/sources/{id}/",
    "/api/v1/categories/",
    "/api/v1/categories/{slug}/",
]

TERM_LIST_PARAMETERS = [
    "search",
    "category",
    "letter",
    "updated_since",
    "reviewed_before",
    "reviewed_after",
    "never_reviewed",
    "source",
    "alias",
    "ordering",
    "page",
    "page_size",
    "pagination",
    "cursor",
    "fields",
]

# What a term's page needs, with the type a generated client must give it.
EMBEDDED = {
    "sources": "array",
    "further_reading": "array",
    "see_also": "array",
    "definition_html": "string",
    "permalink": "string",
}


@pytest.fixture
def schema(api):
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return response.json()


def resolve(schema, node):
    """Follow a local `$ref` into `components`."""
    while "$ref" in node:
        _, *path = node["$ref"].split("/")
        node = schema
        for part in path:
            node = node[part]
    return node


def documented_body(schema, path, status, media_type="application/json"):
    """A validator for the body the schema documents for one GET response."""
    responses = schema["paths"][path]["get"]["responses"]
    body = resolve(schema, responses[status])["content"][media_type]["schema"]
    # The root is the document `$ref`s point into.
    return OAS30Validator({**body, "components": schema["components"]})


def test_schema_is_a_valid_openapi_3_document(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_schema_answers_json_to_the_openapi_json_media_type(api, schema):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert response.json() == schema


@pytest.mark.parametrize("path", ENDPOINTS)
def test_schema_documents_every_read_endpoint(schema, path):
    assert "get" in schema["paths"].get(path, {}), f"{path} is not documented"


def test_schema_documents_every_query_parameter_of_the_term_list(schema):
    operation = schema["paths"]["/api/v1/terms/"]["get"]
    documented = {
        parameter["name"]
        for parameter in (resolve(schema, p) for p in operation["parameters"])
        if parameter["in"] == "query"
    }
    assert set(TERM_LIST_PARAMETERS) <= documented, sorted(
        set(TERM_LIST_PARAMETERS) - documented
    )


def test_schema_documents_the_400_a_bad_term_list_parameter_answers(schema):
    responses = schema["paths"]["/api/v1/terms/"]["get"]["responses"]
    assert "400" in responses
    error = resolve(schema, responses["400"])
    assert error["description"]
    assert PROBLEM in error["content"]


# Every operation answers these: a bad Host or an unknown query parameter
# (400), an Accept it cannot meet (406), an overlong address (414), too many
# requests (429), a bug (500), the database down (503).
ANY_OPERATION = {400, 406, 414, 429, 500, 503}
# Besides those, by operation: the statuses each one can answer.
ERRORS_OF = {
    ("get", "/api/v1/terms/"): {401, 404, 412},  # 404: a page past the end
    ("get", "/api/v1/terms/{slug}/"): {401, 404, 412},
    ("get", "/api/v1/terms/{slug}/citations/"): {401, 404, 412},
    ("get", "/api/v1/index/"): {401, 412},
    ("get", "/api/v1/index/{letter}/"): {401, 404, 412},
    ("get", "/api/v1/autocomplete/"): {401, 412},
    ("get", "/api/v1/sources/"): {401, 404, 412},
    ("get", "/api/v1/sources/{id}/"): {401, 404, 412},
    ("get", "/api/v1/categories/"): {401, 404, 412},
    ("get", "/api/v1/categories/{slug}/"): {401, 404, 412},
    ("get", "/api/v1/sync/"): {401, 410, 412},
    ("get", "/api/v1/preview/"): {403, 404},  # no account: the token is all
    ("post", "/api/v1/terms/"): {401, 403, 409, 413, 415},
    ("put", "/api/v1/terms/{slug}/"): {401, 403, 404, 409, 412, 413, 415, 428},
    ("patch", "/api/v1/terms/{slug}/"): {401, 403, 404, 409, 412, 413, 415, 428},
    ("delete", "/api/v1/terms/{slug}/"): {401, 403, 404, 409, 412, 428},
    ("post", "/api/v1/sources/"): {401, 403, 409, 413, 415},
    ("put", "/api/v1/sources/{id}/"): {401, 403, 404, 409, 412, 413, 415, 428},
    ("patch", "/api/v1/sources/{id}/"): {401, 403, 404, 409, 412, 413, 415, 428},
    ("delete", "/api/v1/sources/{id}/"): {401, 403, 404, 409, 412, 428},
}


def test_schema_lists_the_errors_of_every_operation(schema):
    operations = {
        (method, path)
        for path, methods in schema["paths"].items()
        for method in methods
        if method != "parameters"
    }
    assert operations == set(ERRORS_OF)


def test_every_error_an_operation_answers_is_a_documented_problem(schema):
    undeclared = {}
    for (method, path), own in ERRORS_OF.items():
        responses = schema["paths"][path][method]["responses"]
        errors = {int(status) for status in responses if int(status) >= 400}
        if errors != ANY_OPERATION | own:
            undeclared[method, path] = errors ^ (ANY_OPERATION | own)
        for status in errors:
            response = resolve(schema, responses[str(status)])
            assert response["description"], (method, path, status)
            assert list(response["content"]) == [PROBLEM], (method, path, status)
            body = response["content"][PROBLEM]["schema"]
            assert body == {"$ref": "#/components/schemas/Problem"}
        for status in {429, 503} & errors:
            assert "Retry-After" in responses[str(status)]["headers"]
    assert undeclared == {}, "statuses missing or not expected"


def test_the_problem_component_has_the_rfc_9457_members(schema):
    problem = schema["components"]["schemas"]["Problem"]
    members = {"type", "title", "status", "detail", "instance", "errors"}
    assert set(problem["properties"]) == members
    assert set(problem["required"]) == members
    error = resolve(schema, problem["properties"]["errors"]["items"])
    assert {"param", "pointer", "detail", "code"} == set(error["properties"])
    assert set(error["required"]) == {"detail", "code"}


def test_schema_documents_what_a_term_detail_embeds(schema):
    responses = schema["paths"]["/api/v1/terms/{slug}/"]["get"]["responses"]
    content = resolve(schema, responses["200"])["content"]["application/json"]
    # Without `fields`, the full shape (the first of full or partial).
    full = resolve(schema, resolve(schema, content["schema"])["anyOf"][0])
    properties = full["properties"]
    types = {name: resolve(schema, properties[name]).get("type") for name in properties}
    assert {name: types.get(name) for name in EMBEDDED} == EMBEDDED


def test_a_term_detail_matches_its_documented_schema(api, seed, schema):
    body = api.get("/api/v1/terms/ai-alignment/").json()
    documented_body(schema, "/api/v1/terms/{slug}/", "200").validate(body)


def test_a_term_without_a_category_matches_its_documented_schemas(
    api, make_term, schema
):
    term = make_term("Uncategorised term", category=None)
    body = api.get(f"/api/v1/terms/{term.slug}/").json()
    assert body["category"] is None
    documented_body(schema, "/api/v1/terms/{slug}/", "200").validate(body)
    page = api.get("/api/v1/terms/").json()
    documented_body(schema, "/api/v1/terms/", "200").validate(page)


def test_no_nullable_field_is_written_as_an_allof_openapi_3_0_ignores(schema):
    """`nullable` counts only beside a `type` (OpenAPI 3.0.3): a nullable
    component is `anyOf [X, null]`, not `allOf [X]` with `nullable`."""

    def found(node):
        if isinstance(node, dict):
            if node.get("nullable") and "type" not in node:
                yield node
            for value in node.values():
                yield from found(value)
        elif isinstance(node, list):
            for value in node:
                yield from found(value)

    assert list(found(schema)) == []


def test_a_bad_term_list_parameter_answers_the_documented_400(api, db, schema):
    response = api.get("/api/v1/terms/?letter=Z9")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    documented_body(schema, "/api/v1/terms/", "400", PROBLEM).validate(response.json())


def test_a_term_as_json_ld_matches_its_documented_schema(api, seed, schema):
    response = api.get("/api/v1/terms/ai-alignment/", HTTP_ACCEPT="application/ld+json")
    assert response.status_code == 200
    documented = documented_body(
        schema, "/api/v1/terms/{slug}/", "200", "application/ld+json"
    )
    documented.validate(response.json())


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/terms/?page_size=2",
        "/api/v1/terms/?pagination=cursor&page_size=2",
        "/api/v1/terms/?pagination=cursor&page_size=2&fields=slug",
        "/api/v1/terms/?page_size=2&fields=slug,permalink,definition_html,see_also,"
        "sources,further_reading,review_state",
    ],
)
def test_both_kinds_of_list_page_match_the_documented_schema(api, seed, schema, url):
    documented = documented_body(schema, "/api/v1/terms/", "200")
    page = api.get(url).json()
    documented.validate(page)
    documented.validate(api.get(page["next"]).json())


def test_schema_says_how_a_cursor_walk_starts_and_goes_on(schema):
    operation = schema["paths"]["/api/v1/terms/"]["get"]
    parameters = {
        p["name"]: p for p in (resolve(schema, p) for p in operation["parameters"])
    }
    assert parameters["pagination"]["schema"]["enum"] == ["page", "cursor"]
    assert "next" in parameters["cursor"]["description"]
    body = resolve(schema, operation["responses"]["200"])["content"]
    page = resolve(schema, body["application/json"]["schema"])
    assert "cursor" in page["properties"]["next"]["description"]
    assert "count" not in page["required"]


@pytest.mark.parametrize("inline_max", [1000, 1])
def test_the_index_and_a_letter_page_match_their_documented_schemas(
    api, seed, schema, settings, inline_max
):
    settings.GLOSSARY_INDEX_INLINE_MAX = inline_max
    index = api.get("/api/v1/index/").json()
    documented_body(schema, "/api/v1/index/", "200").validate(index)
    letter = api.get(index["letters"][0]["url"] + "?page_size=1").json()
    documented_body(schema, "/api/v1/index/{letter}/", "200").validate(letter)


def test_schema_names_the_letters_of_the_index(schema):
    operation = schema["paths"]["/api/v1/index/{letter}/"]["get"]
    (letter,) = [p for p in operation["parameters"] if p["in"] == "path"]
    assert sorted(letter["schema"]["enum"]) == sorted(
        [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0-9"]
    )


def test_schema_documents_a_searchs_count_and_suggestions(schema):
    responses = schema["paths"]["/api/v1/terms/"]["get"]["responses"]
    page = resolve(
        schema,
        resolve(schema, responses["200"])["content"]["application/json"]["schema"],
    )
    properties = page["properties"]
    assert properties["count_is_estimate"]["type"] == "boolean"
    assert properties["suggestions"]["type"] == "array"
    suggestion = properties["suggestions"]["items"]
    assert set(suggestion["required"]) == {"match", "slug", "name", "url", "permalink"}
    # Only a search's pages have them.
    assert "count_is_estimate" not in page.get("required", [])


@pytest.mark.parametrize("search", ["alignment", "alignmant", "qqqqqq"])
def test_a_search_page_matches_its_documented_schema(api, seed, schema, search):
    response = api.get("/api/v1/terms/", {"search": search, "page_size": 2})
    assert response.status_code == 200
    body = response.json()
    documented_body(schema, "/api/v1/terms/", "200").validate(body)
    if search == "alignmant":
        assert body["suggestions"], body


def test_a_sources_page_matches_its_documented_schema(api, seed, schema):
    documented = documented_body(schema, "/api/v1/sources/", "200")
    page = api.get("/api/v1/sources/?page_size=2").json()
    assert page["pages"] > 1
    documented.validate(page)
    documented.validate(api.get(page["next"]).json())
