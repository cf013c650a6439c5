"""Rate limits answer 429 with Retry-After; counters live in the cache."""

import os

import pytest
import redis
from django.core.cache import caches
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from terms.accounts import create_editor
from terms.api.throttling import AnonymousReadThrottle

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def with_rates(settings, anonymous_read="1000/minute", write="1000/minute"):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"anonymous_read": anonymous_read, "write": write}
    }


def test_anonymous_reads_are_limited(api, db, settings):
    with_rates(settings, anonymous_read="3/minute")
    codes = [api.get("/api/v1/index/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = api.get("/api/v1/index/")
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"].lower()


def test_a_limit_lifts_when_its_window_ends(api, db, settings, monkeypatch):
    with_rates(settings, anonymous_read="2/minute")
    now = [600.0 + 45]  # 45 s into a one-minute window
    monkeypatch.setattr(AnonymousReadThrottle, "timer", lambda self: now[0])
    codes = [api.get("/api/v1/index/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert api.get("/api/v1/index/")["Retry-After"] == "15"
    now[0] += 15
    assert api.get("/api/v1/index/").status_code == 200


def test_writes_are_limited_per_user_and_reads_are_not(db, settings, make_term):
    with_rates(settings, anonymous_read="1/minute", write="2/minute")
    make_term("Limited")
    user = create_editor("tool", "", "a-long-test-password", reviewer=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user)}")
    url = "/api/v1/terms/limited/"
    codes = [
        client.patch(url, {"title": f"T{n}"}, format="json").status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]
    assert all(client.get(url).status_code == 200 for _ in range(3))


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = settings.CACHES | {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    cache = caches["default"]
    try:
        cache.clear()
    except redis.exceptions.ConnectionError as error:
        pytest.fail(f"Redis is not reachable at {REDIS_URL}: {error}")
    yield cache
    cache.clear()


def test_counters_are_shared_through_redis(api, db, settings, redis_cache):
    """Two app processes share counters when the cache is Redis: what one
    counted, the other sees (here: a second cache connection)."""
    with_rates(settings, anonymous_read="2/minute")
    assert api.get("/api/v1/index/").status_code == 200
    keys = [
        key for key in redis_cache._cache.get_client().keys("*") if b"throttle" in key
    ]
    assert keys, "the throttle counter is stored in Redis"
    assert api.get("/api/v1/index/").status_code == 200
    assert api.get("/api/v1/index/").status_code == 429
