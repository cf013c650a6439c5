from datetime import timedelta

import pytest
from django.utils import timezone

from terms.models import Term


@pytest.mark.parametrize(
    "url",
    [
        "/admin/terms/term/",
        "/admin/terms/term/add/",
        "/admin/terms/term/?review=never_reviewed",
        "/admin/terms/term/?review=due_soon",
        "/admin/terms/term/?review=overdue",
        "/admin/terms/term/?q=RM",
        "/admin/terms/source/",
        "/admin/terms/source/add/",
        "/admin/terms/category/",
    ],
)
def test_admin_pages_open(editor_client, make_term, url):
    make_term()
    assert editor_client.get(url).status_code == 200


def test_term_change_page_shows_inlines(editor_client, make_term):
    term = make_term()
    response = editor_client.get(f"/admin/terms/term/{term.pk}/change/")
    assert response.status_code == 200
    content = response.content.decode()
    for inline in ("aliases-TOTAL_FORMS", "citations-TOTAL_FORMS", "see_also_links"):
        assert inline in content


def test_source_change_page_lists_citing_terms(editor_client, make_term):
    term = make_term("Reward model")
    source = term.citations.get().source
    response = editor_client.get(f"/admin/terms/source/{source.pk}/change/")
    assert "Reward model" in response.content.decode()


def test_review_filters_find_never_reviewed_and_overdue(editor_client, make_term):
    make_term("Never")
    make_term("Stale", last_reviewed=timezone.localdate() - timedelta(days=200))
    make_term("Fresh", last_reviewed=timezone.localdate() - timedelta(days=10))
    never = editor_client.get("/admin/terms/term/?review=never_reviewed")
    overdue = editor_client.get("/admin/terms/term/?review=overdue")
    assert [t.name for t in never.context["cl"].result_list] == ["Never"]
    assert [t.name for t in overdue.context["cl"].result_list] == ["Stale"]


def test_search_finds_terms_by_alias(editor_client, make_term):
    term = make_term("Reinforcement learning from human feedback")
    term.aliases.create(name="RLHF")
    make_term("Other")
    response = editor_client.get("/admin/terms/term/?q=rlhf")
    assert [t.pk for t in response.context["cl"].result_list] == [term.pk]


def test_mark_as_reviewed_today_sets_date_and_reviewer(
    editor_client, editor, make_term
):
    term, untouched = make_term(), make_term()
    response = editor_client.post(
        "/admin/terms/term/",
        {"action": "mark_reviewed", "_selected_action": [term.pk]},
        follow=True,
    )
    assert "1 term marked as reviewed today." in response.content.decode()
    term.refresh_from_db()
    untouched.refresh_from_db()
    assert term.last_reviewed == timezone.localdate()
    assert term.reviewed_by == editor
    assert untouched.last_reviewed is None


def test_changing_the_slug_in_the_admin_keeps_a_redirect(
    editor_client, api, make_term, term_form
):
    term = make_term("Reward model")
    response = editor_client.post(
        f"/admin/terms/term/{term.pk}/change/", term_form(term, slug="reward-models")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert api.get("/api/v1/terms/reward-model/").status_code == 301


def test_adding_a_term_whose_name_differs_only_in_case_is_refused(
    editor_client, make_term, term_form
):
    term = make_term("Reward model", cite=False)
    data = term_form(term, name="REWARD MODEL", slug="reward-model-2")
    response = editor_client.post("/admin/terms/term/add/", data)
    assert response.status_code == 200
    assert "A term with this name already exists." in response.content.decode()
    assert Term.objects.count() == 1


def test_a_source_with_a_bad_identifier_is_refused(editor_client):
    response = editor_client.post(
        "/admin/terms/source/add/",
        {
            "key": "broken",
            "title": "Broken",
            "authors": "Nobody",
            "year": 2022,
            "identifier": "arxiv 123",
            "url": "https://example.org/",
            "kind": "paper",
            "citations-TOTAL_FORMS": 0,
            "citations-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "is not an arXiv id" in response.content.decode()


def test_source_and_category_autocompletes_answer(editor_client, make_term, category):
    make_term()
    for model, field in (("citation", "source"), ("term", "category")):
        response = editor_client.get(
            "/admin/autocomplete/",
            {
                "app_label": "terms",
                "model_name": model,
                "field_name": field,
                "term": "",
            },
        )
        assert response.status_code == 200
        assert response.json()["results"]
