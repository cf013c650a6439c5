"""Two writers racing for the same unique value: one wins, the other gets a
4xx naming the value, never a 500, and nothing is half-written."""

import threading

import pytest
from django.db import connection

from terms.models import Alias, Source, Term
from tests.problems import messages

SOURCE = {
    "key": "perez2022discovering",
    "title": "Discovering Language Model Behaviors",
    "authors": "Perez et al.",
    "year": 2022,
    "url": "https://arxiv.org/abs/2212.09251",
}
TERM = {
    "name": "Sycophancy",
    "slug": "sycophancy",
    "status": "draft",
    "aliases": [{"name": "Flattery", "kind": "synonym"}],
}


def validated_before(monkeypatch, model, make_rival):
    """The rival's row was committed after this write's validation looked
    for it, as when two requests run side by side: validation misses it
    once."""
    make_rival()
    validate_unique = model.validate_unique
    missed = []

    def once_blind(self, exclude=None):
        if not missed:
            missed.append(True)
            return None
        return validate_unique(self, exclude)

    monkeypatch.setattr(model, "validate_unique", once_blind)


def test_a_term_create_that_loses_the_race_for_its_slug_is_a_400(
    token_client, monkeypatch
):
    client = token_client(reviewer=False)
    validated_before(
        monkeypatch,
        Term,
        lambda: Term.objects.create(name="Rival", slug="sycophancy"),
    )
    response = client.post("/api/v1/terms/", TERM, format="json")
    assert response.status_code == 400, response.content
    assert "slug" in messages(response)
    assert list(Term.objects.values_list("name", flat=True)) == ["Rival"]
    assert not Alias.objects.exists()


def test_a_source_create_that_loses_the_race_for_its_key_is_a_400(
    token_client, monkeypatch
):
    client = token_client(reviewer=False)
    validated_before(
        monkeypatch,
        Source,
        lambda: Source.objects.create(**SOURCE | {"title": "Rival"}),
    )
    response = client.post("/api/v1/sources/", SOURCE, format="json")
    assert response.status_code == 400, response.content
    assert "key" in messages(response)
    assert list(Source.objects.values_list("title", flat=True)) == ["Rival"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(("url", "body"), [("terms", TERM), ("sources", SOURCE)])
def test_simultaneous_creates_of_the_same_record(url, body, token_client):
    clients = [token_client(f"tool{n}", reviewer=False) for n in range(2)]
    for attempt in range(5):
        start = threading.Barrier(2)
        codes = []

        def post(client, start=start, codes=codes):
            start.wait()
            try:
                codes.append(client.post(f"/api/v1/{url}/", body, format="json"))
            finally:
                connection.close()

        threads = [threading.Thread(target=post, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(r.status_code for r in codes) == [201, 400], attempt
        Term.objects.all().delete()
        Source.objects.all().delete()
