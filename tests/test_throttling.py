"""Rate limits answer 429 with Retry-After; counters live in the cache."""

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from terms.accounts import create_editor
from terms.api.throttling import AnonymousReadThrottle
from tests.prerequisites import REDIS_URL


def with_rates(
    settings, anonymous_read="1000/minute", write="1000/minute", user_read="1000/minute"
):
    rates = {"anonymous_read": anonymous_read, "write": write, "user_read": user_read}
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": rates
    }


def token_client(**user) -> APIClient:
    user = create_editor("tool", "", "a-long-test-password", reviewer=True, **user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user)}")
    return client


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
    client = token_client()
    url = "/api/v1/terms/limited/"
    codes = [
        client.patch(url, {"title": f"T{n}"}, format="json").status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]
    assert all(client.get(url).status_code == 200 for _ in range(3))


def with_environment(settings, environment_settings, **env):
    """The rate limits as the settings module makes them from this environment."""
    computed = environment_settings(DJANGO_SECRET_KEY="test-only", **env)
    settings.REST_FRAMEWORK = computed["REST_FRAMEWORK"]


def reads_from(api, addresses, **headers) -> list[int]:
    return [
        api.get("/api/v1/index/", REMOTE_ADDR=address, **headers).status_code
        for address in addresses
    ]


def test_a_forged_forwarded_for_does_not_lift_the_limit_by_default(
    api, db, settings, environment_settings
):
    with_environment(
        settings, environment_settings, GLOSSARY_THROTTLE_ANON_READS="3/minute"
    )
    codes = [
        api.get("/api/v1/index/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]


def test_with_no_proxies_the_connecting_address_is_the_client(
    api, db, settings, environment_settings
):
    with_environment(
        settings,
        environment_settings,
        GLOSSARY_THROTTLE_ANON_READS="2/minute",
        DJANGO_NUM_PROXIES="0",
    )
    forged = {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert reads_from(api, ["192.0.2.1"] * 3, **forged) == [200, 200, 429]
    assert reads_from(api, ["192.0.2.2"], **forged) == [200]


def test_behind_one_proxy_the_address_it_added_is_the_client(
    api, db, settings, environment_settings
):
    with_environment(
        settings,
        environment_settings,
        GLOSSARY_THROTTLE_ANON_READS="2/minute",
        DJANGO_NUM_PROXIES="1",
    )

    def via_proxy(client_address, forged):
        return api.get(
            "/api/v1/index/",
            REMOTE_ADDR="10.0.0.2",  # the proxy
            HTTP_X_FORWARDED_FOR=f"{forged}, {client_address}",
        ).status_code

    codes = [via_proxy("203.0.113.9", forged=f"198.51.100.{n}") for n in range(3)]
    assert codes == [200, 200, 429]
    assert via_proxy("203.0.113.10", forged="198.51.100.1") == 200


def test_a_bad_number_of_proxies_is_refused_at_start(environment_settings):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_NUM_PROXIES"):
        environment_settings(DJANGO_SECRET_KEY="test-only", DJANGO_NUM_PROXIES="-1")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_NUM_PROXIES"):
        environment_settings(DJANGO_SECRET_KEY="test-only", DJANGO_NUM_PROXIES="one")


def test_a_token_s_reads_are_limited_per_user(
    db, settings, environment_settings, make_term
):
    with_environment(
        settings, environment_settings, GLOSSARY_THROTTLE_USER_READS="3/minute"
    )
    make_term("Limited")
    client = token_client()
    codes = [client.get("/api/v1/terms/limited/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = client.get("/api/v1/index/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # An anonymous reader from the same address has a count of its own.
    assert APIClient().get("/api/v1/index/").status_code == 200


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = settings.CACHES | {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


@pytest.mark.redis
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
