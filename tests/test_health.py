from unittest import mock

from django.db import OperationalError


def test_healthz_reports_the_database_and_the_cache(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(client, db):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_healthz_is_200_but_degraded_when_the_cache_is_unreachable(
    client, db, settings, environment_settings
):
    computed = environment_settings(
        DJANGO_SECRET_KEY="test-only", REDIS_URL="redis://127.0.0.1:1/0"
    )
    settings.CACHES = computed["CACHES"]
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "unreachable",
    }


def test_healthz_is_503_when_the_database_is_down_whatever_the_cache(
    client, db, settings, environment_settings
):
    computed = environment_settings(
        DJANGO_SECRET_KEY="test-only", REDIS_URL="redis://127.0.0.1:1/0"
    )
    settings.CACHES = computed["CACHES"]
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "unreachable",
        "cache": "unreachable",
    }
