"""Editors and Reviewers: what each may do in the admin."""

import pytest
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
    with pytest.raises(CommandError, match="too short"):
        call_command("create_editor", "bob", "--no-input")
