"""Publishing rules: nothing half-written reaches readers."""

import pytest

from terms.models import Citation, Term


def post_change(client, term, data):
    return client.post(f"/admin/terms/term/{term.pk}/change/", data)


@pytest.fixture
def draft(make_term):
    return make_term("Draft term", status=Term.Status.DRAFT)


@pytest.mark.parametrize(
    ("change", "missing"),
    [
        ({"summary": ""}, "a summary"),
        ({"definition": "  "}, "a definition"),
        ({"citations-0-DELETE": "on"}, "at least one source"),
        ({"citations-0-role": "further_reading"}, "at least one source"),
    ],
)
def test_publishing_with_something_missing_is_refused_and_names_it(
    editor_client, draft, term_form, change, missing
):
    data = term_form(draft, status="published") | change
    response = post_change(editor_client, draft, data)
    assert response.status_code == 200
    assert f"lacks {missing}, so it stays a draft" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Term.Status.DRAFT


def test_a_complete_draft_can_be_published_in_the_form(editor_client, draft, term_form):
    response = post_change(editor_client, draft, term_form(draft, status="published"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Term.Status.PUBLISHED


def test_the_publish_action_publishes_complete_terms_and_names_what_others_lack(
    editor_client, draft, make_term
):
    bare = make_term("Bare", status=Term.Status.DRAFT, cite=False, summary="")
    response = editor_client.post(
        "/admin/terms/term/",
        {"action": "publish", "_selected_action": [draft.pk, bare.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 term(s) published." in page
    assert "lacks a summary and at least one source" in page
    assert Term.objects.get(pk=draft.pk).status == Term.Status.PUBLISHED
    assert Term.objects.get(pk=bare.pk).status == Term.Status.DRAFT


def test_unpublish_action(editor_client, make_term, api):
    term = make_term("Live")
    editor_client.post(
        "/admin/terms/term/", {"action": "unpublish", "_selected_action": [term.pk]}
    )
    assert api.get("/api/v1/terms/live/").status_code == 404


def test_a_published_term_linking_to_a_draft_warns_the_editor(
    editor_client, make_term, link, draft
):
    term = make_term("Live")
    link(term, draft)
    page = editor_client.get(f"/admin/terms/term/{term.pk}/change/").content.decode()
    assert "links to drafts readers cannot see: Draft term" in page


def test_the_model_rule_is_the_same_for_every_caller(make_term):
    term = make_term("No source", cite=False)
    assert term.publishing_problems() == ["at least one source"]
    Citation.objects.create(
        term=term, source=make_term().citations.get().source, position=1
    )
    assert term.publishing_problems() == []
