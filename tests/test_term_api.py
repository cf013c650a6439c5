import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from terms.models import Alias, Citation, Term


def count_queries(api, url):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200
    return len(queries)


def test_list_shows_published_terms_by_name(api, make_term):
    make_term("Reward model")
    make_term("Guardrails")
    make_term("A draft", status=Term.Status.DRAFT)
    response = api.get("/api/v1/terms/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [t["name"] for t in body["results"]] == ["Guardrails", "Reward model"]
    assert body["results"][0]["url"] == "http://testserver/api/v1/terms/guardrails/"


def test_detail_embeds_sources_further_reading_and_see_also(api, make_term, link):
    term = make_term("Reward model", example="For *example*.")
    link(term, make_term("Second"), position=2)
    link(term, make_term("First"), position=1)
    link(term, make_term("Hidden", status=Term.Status.DRAFT), position=0)
    Alias.objects.create(term=term, name="RM", kind=Alias.Kind.ABBREVIATION)
    reading = make_term("Other").citations.get().source
    Citation.objects.create(
        term=term, source=reading, role=Citation.Role.FURTHER_READING
    )
    body = api.get("/api/v1/terms/reward-model/").json()
    assert body["example_html"] == "<p>For <em>example</em>.</p>"
    assert body["aliases"] == [{"name": "RM", "kind": "abbreviation"}]
    assert [s["slug"] for s in body["see_also"]] == ["first", "second"]
    assert body["see_also"][0] == {
        "slug": "first",
        "name": "First",
        "summary": "Summary of First.",
        "url": "http://testserver/api/v1/terms/first/",
        "permalink": "http://localhost:3000/glossary/first/",
    }
    assert [s["number"] for s in body["sources"]] == [1]
    assert body["further_reading"][0]["title"] == reading.title
    assert body["further_reading"][0]["number"] == 1


def test_unknown_slug_is_a_json_404(api, db):
    response = api.get("/api/v1/terms/no-such-term/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "No term has this slug."


def test_drafts_are_hidden_from_anonymous_readers(api, make_term):
    make_term("Secret", status=Term.Status.DRAFT)
    assert api.get("/api/v1/terms/secret/").status_code == 404


def test_an_old_slug_redirects_permanently_to_the_current_one(api, make_term):
    term = make_term("Reward model")
    term.slug = "reward-models"
    term.save()
    response = api.get("/api/v1/terms/reward-model/?format=json")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/terms/reward-models/?format=json"
    assert api.get(response["Location"]).json()["slug"] == "reward-models"


def test_an_old_slug_of_a_draft_does_not_redirect(api, make_term):
    term = make_term("Reward model", status=Term.Status.DRAFT)
    term.slug = "reward-models"
    term.save()
    assert api.get("/api/v1/terms/reward-model/").status_code == 404


def test_list_queries_do_not_grow_with_page_size(api, make_term):
    make_term()
    few = count_queries(api, "/api/v1/terms/")
    for _ in range(15):
        make_term()
    assert count_queries(api, "/api/v1/terms/?page_size=100") == few


def test_detail_queries_do_not_grow_with_relations(api, make_term, make_source, link):
    term = make_term("Hub")
    link(term, make_term())
    few = count_queries(api, "/api/v1/terms/hub/")
    for n in range(6):
        link(term, make_term(), position=n + 1)
        Citation.objects.create(term=term, source=make_source(), position=n + 2)
        Alias.objects.create(term=term, name=f"alias {n}")
    assert count_queries(api, "/api/v1/terms/hub/") == few


@pytest.mark.parametrize("debug", [False, True], ids=["production", "development"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/no-such-endpoint/",
        "/api/v1/terms/ai-alignment/more/",
        "/api/v1/no-such-endpoint",
        "/api/no-such-version.json",
    ],
)
def test_an_unknown_api_address_is_a_json_404(api, db, settings, debug, path):
    # With DEBUG on, Django answers a path that matches no URL with its HTML
    # debug page, unless told otherwise for /api/.
    settings.DEBUG = debug
    response = api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Nothing has this address."


def test_the_browsable_api_keeps_its_own_404_page_in_development(
    api, db, settings, environment_settings
):
    development = environment_settings(DJANGO_DEBUG="true")
    settings.DEBUG = True
    settings.REST_FRAMEWORK = development["REST_FRAMEWORK"]
    response = api.get("/api/v1/terms/no-such-term/", HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"/static/rest_framework/" in response.content  # the browsable API
    assert b"about:blank" in response.content  # showing the problem


def test_an_api_address_without_its_slash_still_redirects_in_development(
    api, db, settings
):
    settings.DEBUG = True
    response = api.get("/api/v1/terms?letter=A")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/terms/?letter=A"
