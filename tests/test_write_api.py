"""Writes through /api/v1/: token-authenticated editors, the admin's rules."""

import pytest
from rest_framework.authtoken.models import Token

from terms.models import Category, Citation, Source, Term
from tests.problems import messages

PASSWORD = "a-long-test-password"


@pytest.fixture
def tool(token_client):
    """An API client for an editors' tool, signed in with a reviewer's token."""
    return lambda reviewer=True: token_client(reviewer=reviewer)


@pytest.fixture
def sources(make_source):
    return [make_source(title="First"), make_source(title="Second")]


@pytest.fixture
def payload(sources, make_term, category):
    make_term("Related one")
    make_term("Related two")
    return {
        "name": "Sycophancy",
        "slug": "sycophancy",
        "title": "What is sycophancy?",
        "summary": "A model telling users what they want to hear.",
        "definition": "Sycophancy is **agreement** regardless of truth.",
        "category": "alignment",
        "status": "published",
        "aliases": [{"name": "Flattery", "kind": "synonym"}],
        "citations": [
            {"source": sources[1].pk, "role": "source", "accessed": "2026-05-24"},
            {"source": sources[0].pk, "role": "source"},
            {"source": sources[0].pk, "role": "further_reading"},
        ],
        "see_also": ["related-two", "related-one"],
    }


def test_create_a_term_with_everything_in_one_request(tool, payload, api):
    response = tool().post("/api/v1/terms/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response["Location"] == "http://testserver/api/v1/terms/sycophancy/"
    assert response["ETag"]
    body = api.get("/api/v1/terms/sycophancy/").json()
    assert body == response.json() | {"url": body["url"]}
    assert [s["title"] for s in body["sources"]] == ["Second", "First"]
    assert [s["number"] for s in body["sources"]] == [1, 2]
    assert body["sources"][0]["accessed"] == "2026-05-24"
    assert [r["title"] for r in body["further_reading"]] == ["First"]
    assert [s["slug"] for s in body["see_also"]] == ["related-two", "related-one"]
    assert body["aliases"] == [{"name": "Flattery", "kind": "synonym"}]
    assert body["definition_html"] == (
        "<p>Sycophancy is <strong>agreement</strong> regardless of truth.</p>"
    )


def test_patch_changes_only_what_is_sent(tool, payload, api):
    client = tool()
    client.post("/api/v1/terms/", payload, format="json")
    response = client.patch(
        "/api/v1/terms/sycophancy/", {"see_also": ["related-one"]}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = api.get("/api/v1/terms/sycophancy/").json()
    assert [s["slug"] for s in body["see_also"]] == ["related-one"]
    assert len(body["sources"]) == 2
    assert body["aliases"] == [{"name": "Flattery", "kind": "synonym"}]


def test_put_replaces_the_term(tool, payload):
    client = tool()
    client.post("/api/v1/terms/", payload, format="json")
    replaced = payload | {"aliases": [], "see_also": [], "title": ""}
    response = client.put("/api/v1/terms/sycophancy/", replaced, format="json")
    assert response.status_code == 200, response.json()
    term = Term.objects.get(slug="sycophancy")
    assert not term.aliases.exists()
    assert not term.see_also_links.exists()
    assert term.title == ""


def test_renaming_the_slug_through_the_api_keeps_a_redirect(tool, payload, api):
    client = tool()
    client.post("/api/v1/terms/", payload, format="json")
    client.patch("/api/v1/terms/sycophancy/", {"slug": "sycophantic"}, format="json")
    assert api.get("/api/v1/terms/sycophancy/").status_code == 301


def test_sources_can_be_created_updated_and_deleted(tool, api):
    client = tool(reviewer=False)
    created = client.post(
        "/api/v1/sources/",
        {
            "key": "perez2022discovering",
            "title": "Discovering Language Model Behaviors",
            "authors": "Perez et al.",
            "publisher": "Anthropic",
            "year": 2022,
            "identifier": "arXiv:2212.09251",
            "url": "https://arxiv.org/abs/2212.09251",
            "kind": "paper",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    url = created["Location"]
    assert client.patch(url, {"year": 2023}, format="json").status_code == 200
    assert api.get(url).json()["year"] == 2023
    assert client.delete(url).status_code == 403  # editors do not delete


def test_a_cited_source_cannot_be_deleted(make_term, admin_client):
    source = make_term().citations.get().source
    response = admin_client.delete(f"/api/v1/sources/{source.pk}/")
    assert response.status_code == 409
    assert "citation" in response.json()["detail"]
    assert Source.objects.filter(pk=source.pk).exists()


def test_an_administrator_can_delete_a_term(make_term, admin_client, api):
    make_term("Doomed")
    assert admin_client.delete("/api/v1/terms/doomed/").status_code == 204
    assert api.get("/api/v1/terms/doomed/").status_code == 404


def test_anonymous_writes_are_401(api, payload):
    assert api.post("/api/v1/terms/", payload, format="json").status_code == 401
    assert api.patch("/api/v1/terms/related-one/", {}, format="json").status_code == 401


def test_writes_without_permission_are_403(db, payload, django_user_model):
    from rest_framework.test import APIClient

    reader = django_user_model.objects.create_user("reader", password=PASSWORD)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=reader)}")
    assert client.post("/api/v1/terms/", payload, format="json").status_code == 403
    assert not Term.objects.filter(slug="sycophancy").exists()


def test_editors_cannot_publish_or_record_reviews(tool, payload):
    client = tool(reviewer=False)
    response = client.post("/api/v1/terms/", payload, format="json")
    assert response.status_code == 403
    assert "status" in messages(response)
    draft = payload | {"status": "draft"}
    assert client.post("/api/v1/terms/", draft, format="json").status_code == 201
    response = client.patch(
        "/api/v1/terms/sycophancy/", {"last_reviewed": "2026-01-01"}, format="json"
    )
    assert response.status_code == 403
    assert "last_reviewed" in messages(response)


def test_a_reviewer_recording_a_review_is_the_reviewer(tool, payload):
    client = tool()
    client.post("/api/v1/terms/", payload, format="json")
    client.patch(
        "/api/v1/terms/sycophancy/", {"last_reviewed": "2026-01-01"}, format="json"
    )
    assert Term.objects.get(slug="sycophancy").reviewed_by.username == "tool"


def test_history_records_the_token_user(tool, payload):
    tool().post("/api/v1/terms/", payload, format="json")
    term = Term.objects.get(slug="sycophancy")
    assert term.history.first().history_user.username == "tool"
    assert (
        Citation.history.filter(term_id=term.pk).first().history_user.username == "tool"
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "RELATED ONE"}, "name"),
        ({"slug": "related-one"}, "slug"),
        ({"slug": "not a slug"}, "slug"),
        ({"category": "nope"}, "category"),
        ({"status": "live"}, "status"),
        ({"last_reviewed": "2999-01-01"}, "last_reviewed"),
        ({"review_interval_days": 0}, "review_interval_days"),
        ({"summary": "x" * 501}, "summary"),
        ({"aliases": [{"name": "A"}, {"name": "a"}]}, "aliases"),
        ({"citations": [{"source": 999999, "role": "source"}]}, "citations"),
        ({"citations": [{"source": "abc"}]}, "citations"),
        ({"see_also": ["no-such-term"]}, "see_also"),
        ({"see_also": ["sycophancy"]}, "see_also"),
        ({"see_also": ["related-one", "related-one"]}, "see_also"),
        ({"citations": []}, "status"),
        ({"definition": ""}, "status"),
    ],
)
def test_invalid_writes_are_400s_naming_the_field_and_write_nothing(
    tool, payload, change, field
):
    before = Term.objects.count()
    response = tool().post("/api/v1/terms/", payload | change, format="json")
    assert response.status_code == 400
    assert field in messages(response)
    assert Term.objects.count() == before


def test_a_bad_citation_date_is_refused_like_in_the_admin(tool, payload, sources):
    citations = [{"source": sources[0].pk, "role": "source", "accessed": "2999-01-01"}]
    response = tool().post(
        "/api/v1/terms/", payload | {"citations": citations}, format="json"
    )
    assert response.status_code == 400
    assert "is in the future" in str(messages(response)["citations"])


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"identifier": "arxiv 123"}, "identifier", "not an arXiv id"),
        ({"url": "javascript:alert(1)"}, "url", "URL"),
        ({"year": 1200}, "year", "plausible"),
    ],
)
def test_source_validation_is_the_admins(tool, change, field, message, make_source):
    source = make_source()
    response = tool().patch(f"/api/v1/sources/{source.pk}/", change, format="json")
    assert response.status_code == 400
    assert message in str(messages(response)[field])


def test_a_write_fails_whole(tool, payload):
    client = tool()
    client.post("/api/v1/terms/", payload, format="json")
    bad = {"title": "Changed", "see_also": ["no-such-term"]}
    assert (
        client.patch("/api/v1/terms/sycophancy/", bad, format="json").status_code == 400
    )
    assert Term.objects.get(slug="sycophancy").title == "What is sycophancy?"
    assert Category.objects.count() == 1


def test_blanks_around_a_name_are_refused_not_trimmed(tool, payload):
    response = tool().post(
        "/api/v1/terms/", payload | {"name": " Sycophancy "}, format="json"
    )
    assert response.status_code == 400
    assert "blank characters" in messages(response)["name"][0]


def test_blanks_around_an_alias_are_refused_not_trimmed(tool, payload):
    aliases = [{"name": " Flattery ", "kind": "synonym"}]
    response = tool().post(
        "/api/v1/terms/", payload | {"aliases": aliases}, format="json"
    )
    assert response.status_code == 400
    assert "blank characters" in str(messages(response)["aliases"])
    assert not Term.objects.filter(slug="sycophancy").exists()


def test_a_citation_without_a_role_is_a_source(tool, payload, sources):
    client = tool()
    client.post("/api/v1/terms/", payload, format="json")
    response = client.patch(
        "/api/v1/terms/sycophancy/",
        {"citations": [{"source": sources[0].pk}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert [s["title"] for s in response.json()["sources"]] == ["First"]


# A source's own address is `link` in writes as in reads; v1 still takes its
# deprecated name `url`, but not both at once.


def test_a_source_is_written_with_link(tool, api):
    client = tool(reviewer=False)
    body = {
        "key": "bai2022",
        "title": "Constitutional AI",
        "authors": "Bai et al.",
        "year": 2022,
    }
    link = "https://arxiv.org/abs/2212.08073"
    created = client.post("/api/v1/sources/", body | {"link": link}, format="json")
    assert created.status_code == 201, created.json()
    assert api.get(created["Location"]).json()["link"] == link
    moved = "https://example.org/constitutional-ai"
    changed = client.patch(created["Location"], {"link": moved}, format="json")
    assert changed.status_code == 200, changed.json()
    assert (
        changed.json()["link"] == api.get(created["Location"]).json()["link"] == moved
    )


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"link": "javascript:alert(1)"}, "link", "URL"),
        ({"link": " https://arxiv.org/abs/2212.08073 "}, "link", "URL"),  # not trimmed
        ({"url": "javascript:alert(1)"}, "url", "URL"),
        ({}, "link", "blank"),
        ({"link": "https://a.example", "url": "https://b.example"}, "url", "link"),
    ],
)
def test_a_source_s_link_problems_name_the_field_sent(tool, body, field, message):
    base = {
        "key": "bai2022",
        "title": "Constitutional AI",
        "authors": "Bai et al.",
        "year": 2022,
    }
    response = tool().post("/api/v1/sources/", base | body, format="json")
    assert response.status_code == 400
    assert message in str(messages(response)[field])
    assert not Source.objects.filter(key="bai2022").exists()


def test_the_write_schema_takes_link_and_marks_url_deprecated(api, db):
    schema = api.get("/api/schema/?format=json").json()["components"]["schemas"]
    written = schema["SourceWrite"]["properties"]
    assert "deprecated" not in written["link"]
    assert written["url"]["deprecated"] is True
