"""Preview: an editor sees a draft, or an unpublished edit, on the real
front-end before publishing, through a signed, short-lived link that shows
that one term and nothing else (terms/preview.py, GET /api/v1/preview/)."""

from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest

from terms import preview
from terms.models import Term
from tests.problems import messages


@pytest.fixture
def draft(make_term):
    return make_term("Sycophancy", status=Term.Status.DRAFT, summary="Not yet out.")


def token_from(admin_response) -> str:
    return parse_qs(urlsplit(admin_response["Location"]).query)["token"][0]


def test_the_admin_preview_button_opens_the_front_end_with_a_token(
    editor_client, draft, settings
):
    page = editor_client.get(f"/admin/terms/term/{draft.pk}/change/")
    assert f"/admin/terms/term/{draft.pk}/preview/" in page.content.decode()

    response = editor_client.get(f"/admin/terms/term/{draft.pk}/preview/")

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == (
        "http://localhost:3000/api/preview"
    )
    assert parse_qs(target.query)["slug"] == ["sycophancy"]


def test_the_token_shows_the_draft_as_it_would_be_published(editor_client, draft, api):
    token = token_from(editor_client.get(f"/admin/terms/term/{draft.pk}/preview/"))
    response = api.get("/api/v1/preview/", {"token": token})
    assert response.status_code == 200
    body = response.json()
    assert (body["slug"], body["summary"]) == ("sycophancy", "Not yet out.")
    assert response["Cache-Control"] == "private, no-store"
    # Anyone without the token still finds no such term.
    assert api.get("/api/v1/terms/sycophancy/").status_code == 404


def test_a_preview_is_never_replayed_an_edit_shows_at_once(api, draft):
    token = preview.token_for(draft)
    api.get("/api/v1/preview/", {"token": token})
    Term.objects.filter(pk=draft.pk).update(summary="Edited in the admin.")
    again = api.get("/api/v1/preview/", {"token": token})
    assert again.json()["summary"] == "Edited in the admin."


def test_an_unpublished_edit_of_a_published_term_is_previewed(api, seed):
    """The preview shows the term as stored now, whatever its status."""
    term = Term.objects.get(slug="jailbreak")
    Term.objects.filter(pk=term.pk).update(status=Term.Status.DRAFT, title="Soon.")
    body = api.get("/api/v1/preview/", {"token": preview.token_for(term)}).json()
    assert body["title"] == "Soon."


def test_a_forged_token_is_refused_with_a_message(api, draft, make_term):
    other = make_term("Reward hacking", status=Term.Status.DRAFT)
    token = preview.token_for(draft)
    _, rest = token.split(":", 1)
    forged = preview.token_for(other).split(":", 1)[0] + ":" + rest
    for bad in (forged, token[:-2] + "xx", "not-a-token"):
        response = api.get("/api/v1/preview/", {"token": bad})
        assert response.status_code == 403
        assert "not valid" in response.json()["detail"]


def test_an_expired_token_is_refused_with_a_message(api, draft, settings):
    token = preview.token_for(draft)
    later = preview.signing.time.time() + settings.GLOSSARY_PREVIEW_SECONDS + 1
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = api.get("/api/v1/preview/", {"token": token})
    assert response.status_code == 403
    assert "expired" in response.json()["detail"]


def test_a_token_is_the_only_credential_read(api, draft, db):
    """A token of the API's own (Authorization) grants nothing here."""
    response = api.get("/api/v1/preview/", HTTP_AUTHORIZATION="Token whatever")
    assert response.status_code == 400
    assert "token" in messages(response)


def test_a_deleted_term_has_no_preview(api, draft):
    token = preview.token_for(draft)
    draft.delete()
    assert api.get("/api/v1/preview/", {"token": token}).status_code == 404


def test_someone_without_access_to_the_term_gets_no_link(
    client, draft, django_user_model
):
    user = django_user_model.objects.create_user(
        "visitor", password="a-long-password", is_staff=True
    )
    client.force_login(user)
    response = client.get(f"/admin/terms/term/{draft.pk}/preview/")
    assert response.status_code == 403
