"""One error format: every 4xx and 5xx under /api/ is an RFC 9457 problem
(`application/problem+json`), as the OpenAPI document describes it, whatever
answered it (a view, REST framework, Django, a middleware) and whatever the
request's Accept header asked for."""

import json
from unittest import mock

import pytest
from django.db import OperationalError
from openapi_schema_validator import OAS30Validator
from rest_framework.test import APIClient

from terms.models import Source, Term

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def problem_schema(django_db_blocker):
    with django_db_blocker.unblock():
        document = APIClient().get("/api/schema/?format=json").json()
    problem = document["components"]["schemas"]["Problem"]
    return OAS30Validator({**problem, "components": document["components"]})


@pytest.fixture
def assert_problem(problem_schema):
    """assert_problem(response, status) -> the body, checked against the
    documented Problem."""

    def check(response, status):
        assert response.status_code == status, response.content[:300]
        assert response["Content-Type"] == PROBLEM
        body = json.loads(response.content)
        problem_schema.validate(body)
        assert body["status"] == status
        assert body["type"] == "about:blank"
        assert body["title"]
        assert body["detail"]
        return body

    return check


def test_a_bad_query_parameter_is_a_400_naming_it(api, db, assert_problem):
    response = api.get("/api/v1/terms/?letter=Z9")
    body = assert_problem(response, 400)
    assert body["instance"] == "/api/v1/terms/"
    assert body["errors"] == [
        {
            "param": "letter",
            "detail": "Select a valid choice. Z9 is not one of the available choices.",
            "code": "invalid_choice",
        }
    ]
    assert body["detail"].startswith("letter: Select a valid choice.")


def test_several_bad_parameters_are_each_named(api, db, assert_problem):
    response = api.get("/api/v1/terms/?letter=Z9&page_size=0&nonsense=1")
    body = assert_problem(response, 400)
    named = {error["param"] for error in body["errors"]}
    assert named == {"nonsense"}  # unknown parameters are refused first
    response = api.get("/api/v1/terms/?letter=Z9&never_reviewed=perhaps")
    body = assert_problem(response, 400)
    assert {error["param"] for error in body["errors"]} == {
        "letter",
        "never_reviewed",
    }
    assert "letter" in body["detail"]
    assert "never_reviewed" in body["detail"]


def test_a_page_past_the_end_is_a_404_naming_the_page(api, make_term, assert_problem):
    make_term()
    for url in ("/api/v1/terms/?page=9", "/api/v1/terms/?search=term&page=9"):
        body = assert_problem(api.get(url), 404)
        (error,) = body["errors"]
        assert error["param"] == "page"


@pytest.mark.parametrize("debug", [False, True], ids=["production", "development"])
def test_an_unknown_api_address_is_a_404_problem(
    api, db, settings, debug, assert_problem
):
    settings.DEBUG = debug
    body = assert_problem(api.get("/api/v1/no-such-endpoint/"), 404)
    assert body["instance"] == "/api/v1/no-such-endpoint/"
    assert body["errors"] == []


def test_a_missing_term_is_a_404_that_caches_keep(api, db, assert_problem):
    response = api.get("/api/v1/terms/nothing-here/")
    body = assert_problem(response, 404)
    assert body["detail"] == "No term has this slug."
    assert "max-age" in response["Cache-Control"]
    assert "Accept" in response["Vary"]


@pytest.mark.parametrize(
    ("url", "accept"),
    [
        ("/api/v1/terms/nothing-here/", "application/json"),
        ("/api/v1/terms/nothing-here/", "application/ld+json"),
        ("/api/v1/terms/nothing-here/citations/", "application/x-bibtex"),
        ("/api/v1/terms/nothing-here/?format=jsonld", None),
        ("/api/v1/terms/nothing-here/citations/?format=bibtex", None),
    ],
)
def test_an_error_is_a_problem_whatever_accept_asked_for(
    api, db, url, accept, assert_problem
):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    assert_problem(api.get(url, **headers), 404)


def test_an_unmet_accept_is_a_406_problem(api, make_term, assert_problem):
    term = make_term()
    response = api.get(f"/api/v1/terms/{term.slug}/", HTTP_ACCEPT="image/png")
    body = assert_problem(response, 406)
    assert "image/png" in body["detail"]


def test_a_method_an_address_does_not_take_is_a_405(admin_client, assert_problem):
    response = admin_client.delete("/api/v1/index/")
    body = assert_problem(response, 405)
    assert "DELETE" in body["detail"]
    assert "GET" in response["Allow"]


def test_too_many_requests_is_a_429_with_retry_after(api, db, settings, assert_problem):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {
            "anonymous_read": "1/minute",
            "user_read": "1/minute",
            "write": "1/minute",
        }
    }
    api.get("/api/v1/index/")
    response = api.get("/api/v1/index/")
    body = assert_problem(response, 429)
    assert int(response["Retry-After"]) > 0
    assert "throttled" in body["detail"].lower()


def test_an_anonymous_write_is_a_401(api, db, assert_problem):
    response = api.post("/api/v1/sources/", {}, format="json")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_write_without_the_right_is_a_403_naming_the_field(
    token_client, make_term, assert_problem
):
    term = make_term(status=Term.Status.DRAFT)
    editor = token_client(reviewer=False)
    response = editor.patch(
        f"/api/v1/terms/{term.slug}/", {"status": "published"}, format="json"
    )
    body = assert_problem(response, 403)
    (error,) = body["errors"]
    assert error["pointer"] == "/status"


def test_an_invalid_body_is_a_400_pointing_at_each_member(tool, db, assert_problem):
    response = tool.post(
        "/api/v1/sources/",
        {"key": "k", "title": "", "year": "soon", "url": "ftp://x"},
        format="json",
    )
    body = assert_problem(response, 400)
    pointers = {error["pointer"] for error in body["errors"]}
    assert {"/title", "/year", "/url"} <= pointers
    assert all(error["code"] and error["detail"] for error in body["errors"])


def test_a_nested_member_is_pointed_at_by_its_position(tool, make_term, assert_problem):
    term = make_term()
    response = tool.patch(
        f"/api/v1/terms/{term.slug}/",
        {"citations": [{"source": 999999, "role": "source"}]},
        format="json",
    )
    body = assert_problem(response, 400)
    assert [e["pointer"] for e in body["errors"]] == ["/citations/0/source"]


def test_malformed_json_is_a_400(tool, db, assert_problem):
    response = tool.generic(
        "POST", "/api/v1/sources/", b"{not json", content_type="application/json"
    )
    body = assert_problem(response, 400)
    assert "JSON parse error" in body["detail"]


def test_a_body_that_is_not_json_is_a_415(tool, db, assert_problem):
    response = tool.generic(
        "POST", "/api/v1/sources/", b"<source/>", content_type="application/xml"
    )
    body = assert_problem(response, 415)
    assert "application/xml" in body["detail"]


def test_a_body_over_the_upload_limit_is_a_413(tool, db, settings, assert_problem):
    body = json.dumps({"title": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = tool.generic(
        "POST", "/api/v1/sources/", body.encode(), content_type="application/json"
    )
    problem = assert_problem(response, 413)
    assert str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) in problem["detail"]


def test_a_stale_if_match_is_a_412_and_a_missing_one_a_428(
    tool, make_term, settings, assert_problem
):
    term = make_term()
    url = f"/api/v1/terms/{term.slug}/"
    stale = tool.patch(url, {"title": "T"}, format="json", HTTP_IF_MATCH='"1.stale"')
    assert "changed since you read" in assert_problem(stale, 412)["detail"]
    settings.GLOSSARY_REQUIRE_IF_MATCH = True
    missing = tool.patch(url, {"title": "T"}, format="json")
    assert "If-Match" in assert_problem(missing, 428)["detail"]


def test_a_read_with_a_stale_if_match_is_a_412(api, make_term, assert_problem):
    term = make_term()
    url = f"/api/v1/terms/{term.slug}/"
    assert api.get(url).status_code == 200  # filed for replay
    for _ in range(2):  # from the view, then from the replay middleware
        response = api.get(url, HTTP_IF_MATCH='"1.stale"')
        assert_problem(response, 412)


def test_deleting_a_cited_source_is_a_409(admin_client, make_term, assert_problem):
    source = make_term().citations.get().source
    response = admin_client.delete(f"/api/v1/sources/{source.pk}/")
    body = assert_problem(response, 409)
    assert "citation" in body["detail"]
    assert Source.objects.filter(pk=source.pk).exists()


def test_an_overlong_address_is_a_414(api, db, assert_problem):
    body = assert_problem(api.get("/api/v1/terms/?search=" + "x" * 5000), 414)
    assert "4096" in body["detail"]


def test_a_forged_preview_token_is_a_403(api, db, assert_problem):
    body = assert_problem(api.get("/api/v1/preview/?token=forged"), 403)
    assert "not valid" in body["detail"]


def test_an_unknown_host_is_a_400(api, db, settings, assert_problem):
    settings.ALLOWED_HOSTS = ["glossary.example.org"]
    response = api.get("/api/v1/index/", HTTP_HOST="evil.example.com")
    assert "host" in assert_problem(response, 400)["detail"].lower()


def test_a_bug_is_a_500_problem(db, monkeypatch, assert_problem):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("terms.api.views.IndexView.get", broken)
    response = APIClient(raise_request_exception=False).get("/api/v1/index/")
    body = assert_problem(response, 500)
    assert "a bug" not in body["detail"]  # nothing of the server's insides


def test_the_database_down_is_a_503_with_retry_after(api, seed, assert_problem):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        response = api.get("/api/v1/terms/ai-alignment/")
    body = assert_problem(response, 503)
    assert "database" in body["detail"].lower()
    assert response["Retry-After"] == "10"
    assert response["Cache-Control"] == "no-store"
