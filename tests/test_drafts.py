"""Drafts are invisible to anonymous readers everywhere; editors can fetch them."""

import pytest

from terms.models import Citation, Term


@pytest.fixture
def draft(make_term, link):
    published = make_term("Published term")
    draft = make_term("Secret draft", status=Term.Status.DRAFT)
    draft.aliases.create(name="Hush")
    link(published, draft)
    return draft


def test_drafts_are_in_no_anonymous_response(api, draft):
    source = draft.citations.get().source
    responses = {
        "list": api.get("/api/v1/terms/"),
        "search": api.get("/api/v1/terms/?search=secret"),
        "alias": api.get("/api/v1/terms/?alias=hush"),
        "autocomplete": api.get("/api/v1/autocomplete/?q=s"),
        "autocomplete alias": api.get("/api/v1/autocomplete/?q=hu"),
        "index": api.get("/api/v1/index/"),
        "see also": api.get("/api/v1/terms/published-term/"),
        "source": api.get(f"/api/v1/sources/{source.pk}/"),
        "sources": api.get("/api/v1/sources/?cited_by=secret-draft"),
        "categories": api.get("/api/v1/categories/"),
    }
    for where, response in responses.items():
        assert response.status_code == 200, where
        assert b"secret-draft" not in response.content, where
    assert api.get("/api/v1/terms/secret-draft/").status_code == 404


def test_categories_count_published_terms_only(api, draft, category):
    Term.objects.update(category=category)
    (row,) = api.get("/api/v1/categories/").json()["results"]
    assert row["term_count"] == 1


def test_a_signed_in_editor_can_fetch_a_draft(api, draft, editor):
    api.force_authenticate(editor)
    response = api.get("/api/v1/terms/secret-draft/")
    assert response.status_code == 200
    assert response.json()["status"] == "draft"
    see_also = api.get("/api/v1/terms/published-term/").json()["see_also"]
    assert [link["slug"] for link in see_also] == ["secret-draft"]


def test_a_signed_in_non_staff_user_cannot(api, draft, django_user_model):
    api.force_authenticate(django_user_model.objects.create_user("reader"))
    assert api.get("/api/v1/terms/secret-draft/").status_code == 404


def test_a_source_only_cited_by_drafts_lists_no_citing_terms(api, draft):
    source = draft.citations.get().source
    assert Citation.objects.filter(source=source).count() == 1
    body = api.get(f"/api/v1/sources/{source.pk}/").json()
    assert body["cited_by"] == []
