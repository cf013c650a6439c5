"""Editors and Reviewers: what each may do in the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from terms.accounts import create_editor
from terms.models import Term

PASSWORD = "a-long-test-password"


@pytest.fixture
def login(client, db):
    def as_role(role: str):
        user = create_editor(role.lower(), "", PASSWORD, reviewer=role == "Reviewers")
        client.force_login(user)
        return client

    return as_role


def test_the_migration_creates_both_groups(db):
    editors = set(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    )
    reviewers = set(
        Group.objects.get(name="Reviewers").permissions.values_list(
            "codename", flat=True
        )
    )
    assert {"add_term", "change_term", "add_source", "change_source"} <= editors
    assert {"review_term", "publish_term"}.isdisjoint(editors)
    assert reviewers == editors | {"review_term", "publish_term"}
    assert "delete_term" not in reviewers


def actions_offered(client) -> set[str]:
    action_form = client.get("/admin/terms/term/").context["action_form"]
    return set(dict(action_form.fields["action"].choices)) if action_form else set()


def test_an_editor_sees_no_review_or_publish_actions(login, make_term):
    term = make_term()
    client = login("Editors")
    actions = actions_offered(client)
    assert "mark_reviewed" not in actions
    assert "publish" not in actions
    assert "delete_selected" not in actions
    page = client.get(f"/admin/terms/term/{term.pk}/change/").content.decode()
    assert 'name="mark_reviewed"' not in page
    assert 'name="status"' not in page  # read-only for editors


def test_an_editor_cannot_publish_by_posting_the_status(login, make_term, term_form):
    term = make_term("Draft", status=Term.Status.DRAFT)
    client = login("Editors")
    client.post(
        f"/admin/terms/term/{term.pk}/change/", term_form(term, status="published")
    )
    term.refresh_from_db()
    assert term.status == Term.Status.DRAFT


def test_a_reviewer_can_review_and_publish(login, make_term):
    make_term()
    client = login("Reviewers")
    assert {"mark_reviewed", "publish", "unpublish"} <= actions_offered(client)


def test_create_editor_command(db, monkeypatch):
    monkeypatch.setenv("GLOSSARY_EDITOR_PASSWORD", PASSWORD)
    call_command("create_editor", "ada", "--no-input", "--reviewer", verbosity=0)
    ada = Group.objects.get(name="Reviewers").user_set.get()
    assert ada.username == "ada"
    assert ada.is_staff
    assert not ada.is_superuser
    assert ada.check_password(PASSWORD)


def test_create_editor_refuses_weak_or_missing_passwords(db, monkeypatch):
    monkeypatch.delenv("GLOSSARY_EDITOR_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="GLOSSARY_EDITOR_PASSWORD"):
        call_command("create_editor", "bob", "--no-input")
    monkeypatch.setenv("GLOSSARY_EDITOR_PASSWORD", "123")
    with pytest.raises(CommandError) as refused:
        call_command("create_editor", "bob", "--no-input")
    assert str(refused.value).splitlines() == [
        "The password is not acceptable:",
        "  - This password is too short. It must contain at least 8 characters.",
        "  - This password is too common.",
        "  - This password is entirely numeric.",
    ]
    assert not get_user_model().objects.filter(username="bob").exists()


def test_create_editor_lists_every_problem_with_the_account(db, monkeypatch):
    monkeypatch.setenv("GLOSSARY_EDITOR_PASSWORD", PASSWORD)
    call_command("create_editor", "ada-lovelace", "--no-input", verbosity=0)
    monkeypatch.setenv("GLOSSARY_EDITOR_PASSWORD", "ada-lovelace-1815")
    with pytest.raises(CommandError) as refused:
        call_command(
            "create_editor", "ada-lovelace", "--no-input", "--email", "not-an-email"
        )
    assert str(refused.value).splitlines() == [
        "The account was not created:",
        "  - The password is too similar to the username.",
        "  - Username: A user with that username already exists.",
        "  - Email address: Enter a valid email address.",
    ]


def test_an_editor_cannot_forge_a_review_by_posting_the_hidden_field(
    login, make_term, term_form
):
    term = make_term("Unreviewed")
    client = login("Editors")
    response = client.post(
        f"/admin/terms/term/{term.pk}/change/", term_form(term, mark_reviewed="on")
    )
    assert response.status_code == 200
    assert "Only reviewers mark terms as reviewed" in response.content.decode()
    term.refresh_from_db()
    assert term.last_reviewed is None
    assert term.reviewed_by is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("status", "draft", "Only reviewers publish or unpublish"),
        ("last_reviewed", "2026-01-01", "Only reviewers record reviews"),
    ],
)
def test_an_editor_posting_a_read_only_field_is_refused(
    login, make_term, term_form, field, value, message
):
    term = make_term("Published")
    client = login("Editors")
    response = client.post(
        f"/admin/terms/term/{term.pk}/change/", term_form(term, **{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    term.refresh_from_db()
    assert term.status == Term.Status.PUBLISHED
    assert term.last_reviewed is None


def test_an_editor_may_post_read_only_fields_unchanged(login, make_term, term_form):
    """The page's own form sends nothing for them; a tool resending the values
    it read changes nothing it may not change."""
    term = make_term("Published")
    client = login("Editors")
    data = term_form(term, title="New title", status="published")
    assert client.post(f"/admin/terms/term/{term.pk}/change/", data).status_code == 302
    term.refresh_from_db()
    assert term.title == "New title"


@pytest.mark.parametrize("action", ["mark_reviewed", "publish", "unpublish"])
def test_an_editor_cannot_run_a_hidden_action_by_posting_it(login, make_term, action):
    draft = make_term("Draft", status=Term.Status.DRAFT)
    published = make_term("Published")
    client = login("Editors")
    client.post(
        "/admin/terms/term/",
        {"action": action, "_selected_action": [draft.pk, published.pk]},
    )
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == Term.Status.DRAFT
    assert published.status == Term.Status.PUBLISHED
    assert draft.last_reviewed is None
    assert published.last_reviewed is None
