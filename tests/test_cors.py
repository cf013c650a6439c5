import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FRONT_END = "https://front.example"


@pytest.fixture
def front_end_allowed(settings):
    settings.CORS_ALLOWED_ORIGINS = [FRONT_END]


def header_names(value: str) -> set[str]:
    return {name.strip().lower() for name in value.split(",") if name.strip()}


def test_an_allowed_origin_may_read_the_api_and_its_etag(api, db, front_end_allowed):
    response = api.get("/api/v1/terms/", HTTP_ORIGIN=FRONT_END)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONT_END
    assert response.has_header("ETag")
    exposed = header_names(response.get("Access-Control-Expose-Headers", ""))
    assert "etag" in exposed


def test_an_origin_not_in_the_list_is_not_allowed(api, db, front_end_allowed):
    response = api.get("/api/v1/terms/", HTTP_ORIGIN="https://elsewhere.example")
    assert response.status_code == 200
    assert not response.has_header("Access-Control-Allow-Origin")


def test_a_preflight_from_an_allowed_origin_is_answered(api, db, front_end_allowed):
    response = api.options(
        "/api/v1/terms/",
        HTTP_ORIGIN=FRONT_END,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONT_END


def test_allowed_origins_come_from_the_environment():
    environment = os.environ | {
        "CORS_ALLOWED_ORIGINS": "https://a.example,https://b.example",
        "DJANGO_SECRET_KEY": "x",
        "DJANGO_SETTINGS_MODULE": "glossary_api.settings",
    }
    script = (
        "import json, django; django.setup(); "
        "from django.conf import settings; "
        "print(json.dumps(settings.CORS_ALLOWED_ORIGINS))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).parents[1],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["https://a.example", "https://b.example"]


def test_a_preflight_allows_the_headers_of_a_conditional_write(
    api, db, front_end_allowed
):
    response = api.options(
        "/api/v1/terms/ai-alignment/",
        HTTP_ORIGIN=FRONT_END,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization,content-type,if-match",
    )
    assert response.status_code == 200
    allowed = header_names(response["Access-Control-Allow-Headers"])
    assert {"authorization", "content-type", "if-match", "if-none-match"} <= allowed
    assert "PATCH" in response["Access-Control-Allow-Methods"]


def vary(response) -> set[str]:
    return header_names(response.get("Vary", ""))


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/terms/ai-alignment/",
        "/api/v1/terms/",
        "/api/v1/terms/no-such-term/",
        "/api/v1/terms/?colour=blue",
        "/api/v1/no-such-endpoint/",
    ],
)
def test_every_answer_names_the_headers_it_depends_on(api, seed, url):
    response = api.get(url, HTTP_ORIGIN=FRONT_END)
    assert {"accept", "authorization", "cookie", "origin"} <= vary(response), url
    assert response.has_header("Cache-Control"), url


def test_errors_say_how_long_they_may_be_kept(api, seed, tool, settings):
    # A missing term is kept as its page would be: publishing one there
    # purges it (its Surrogate-Key).
    missing = api.get("/api/v1/terms/no-such-term/")
    assert missing["Cache-Control"] == settings.GLOSSARY_CACHE_CONTROL
    # A refused parameter may be accepted tomorrow (a new category): not kept.
    refused = api.get("/api/v1/terms/?category=not-yet")
    assert refused.status_code == 400
    assert refused["Cache-Control"] == "no-store"
    stale = tool.patch(
        "/api/v1/terms/ai-alignment/",
        {"title": "x"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert stale.status_code == 412
    assert stale["Cache-Control"] == "no-store"
    assert "authorization" in vary(stale)
