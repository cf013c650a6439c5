"""Optimistic concurrency: writes honour If-Match; no update is lost."""

import threading

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from terms.accounts import create_editor
from terms.models import Term

URL = "/api/v1/terms/shared/"


@pytest.fixture
def token(db):
    user = create_editor("tool", "", "a-long-test-password", reviewer=True)
    return Token.objects.create(user=user).key


def client_for(token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def shared(make_term):
    return make_term("Shared")


def test_a_write_with_the_current_etag_succeeds_and_returns_the_next(token, shared):
    client = client_for(token)
    etag = client.get(URL)["ETag"]
    response = client.patch(URL, {"title": "One"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response["ETag"] == client.get(URL)["ETag"]
    chained = client.patch(
        URL, {"title": "Two"}, format="json", HTTP_IF_MATCH=response["ETag"]
    )
    assert chained.status_code == 200


def test_the_second_write_with_the_same_etag_is_412_and_changes_nothing(token, shared):
    first, second = client_for(token), client_for(token)
    etag = first.get(URL)["ETag"]
    won = first.patch(URL, {"title": "First"}, format="json", HTTP_IF_MATCH=etag)
    assert won.status_code == 200
    response = second.patch(URL, {"title": "Second"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert "changed since you read" in response.json()["detail"]
    assert Term.objects.get(pk=shared.pk).title == "First"


def test_a_stale_etag_on_delete_is_412(shared, admin_client):
    response = admin_client.delete(URL, HTTP_IF_MATCH='"stale"')
    assert response.status_code == 412
    assert Term.objects.filter(pk=shared.pk).exists()


def test_if_match_star_matches_an_existing_term(token, shared):
    response = client_for(token).patch(
        URL, {"title": "Any"}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 200


def test_if_match_can_be_made_mandatory(token, shared, settings):
    settings.GLOSSARY_REQUIRE_IF_MATCH = True
    client = client_for(token)
    response = client.patch(URL, {"title": "Blind"}, format="json")
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    etag = client.get(URL)["ETag"]
    ok = client.patch(URL, {"title": "Seen"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200


# serialized_rollback: the groups made by a migration come back for tests after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writes_with_the_same_etag_one_wins_none_is_lost(token, make_term):
    make_term("Shared")
    etag = client_for(token).get(URL)["ETag"]
    results = {}
    start = threading.Barrier(2)

    def write(title):
        start.wait()
        try:
            response = client_for(token).patch(
                URL, {"title": title}, format="json", HTTP_IF_MATCH=etag
            )
            results[title] = response.status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(t,)) for t in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == [200, 412]
    (winner,) = [title for title, code in results.items() if code == 200]
    assert Term.objects.get(slug="shared").title == winner
