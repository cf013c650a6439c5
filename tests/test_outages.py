"""When Redis or the database is down: the API degrades or answers 503, never
a 500, and says so once rather than on every request."""

import logging
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError

# Nothing listens on port 1: connections are refused at once.
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
URL = "/api/v1/terms/ai-alignment/"


@pytest.fixture
def redis_down(settings, environment_settings):
    """The caches the settings make from a REDIS_URL that does not answer."""
    computed = environment_settings(
        DJANGO_SECRET_KEY="test-only", REDIS_URL=UNREACHABLE_REDIS
    )
    settings.CACHES = computed["CACHES"]


def database_down(error=OperationalError):
    return mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=error("connection refused"),
    )


def test_anonymous_reads_are_served_from_the_database_while_redis_is_down(
    api, seed, redis_down
):
    first = api.get(URL)
    again = api.get(URL)
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["slug"] == "ai-alignment"
    assert again.content == first.content
    assert api.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_writes_work_while_redis_is_down(tool, seed, redis_down):
    response = tool.patch(URL, {"title": "Still writable"}, format="json")
    assert response.status_code == 200
    assert tool.get(URL).json()["title"] == "Still writable"


def test_rate_limits_are_not_enforced_while_redis_is_down_and_that_is_logged_once(
    api, seed, settings, redis_down, caplog
):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {
            "anonymous_read": "2/minute",
            "user_read": "2/minute",
            "write": "2/minute",
        }
    }
    with caplog.at_level(logging.WARNING):
        codes = [api.get("/api/v1/index/").status_code for _ in range(10)]
    assert codes == [200] * 10
    warnings = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(warnings) == 1
    assert "rate limits are not enforced" in warnings[0].getMessage()


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize(
    "url", [URL, "/api/v1/terms/", "/api/v1/index/", "/api/v1/sources/"]
)
def test_reads_answer_503_with_retry_after_while_the_database_is_down(
    api, seed, url, error
):
    with database_down(error):
        response = api.get(url)
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "database" in response.json()["detail"].lower()


def test_a_replayed_read_answers_503_once_it_must_check_the_database(api, seed):
    assert api.get(URL).status_code == 200  # filed for replay
    with database_down():
        response = api.get(URL)
    assert response.status_code == 503
    assert response["Retry-After"]


def test_writes_answer_503_while_the_database_is_down(tool, seed):
    with database_down():
        response = tool.patch(URL, {"title": "Lost?"}, format="json")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "database" in response.json()["detail"].lower()
    assert tool.get(URL).json()["title"] != "Lost?"


def test_a_database_outage_is_logged_once_not_per_request(api, seed, caplog):
    with caplog.at_level(logging.WARNING), database_down():
        codes = [api.get("/api/v1/index/").status_code for _ in range(5)]
    assert codes == [503] * 5
    warnings = [r for r in caplog.records if "database" in r.getMessage().lower()]
    assert len(warnings) == 1
    assert warnings[0].exc_info is None
