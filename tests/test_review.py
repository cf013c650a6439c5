"""The review cycle: due dates, states, the admin's view of them, the API's."""

from datetime import timedelta

import pytest
from django.utils import timezone

from terms.models import Term
from terms.review import ReviewState
from tests.problems import messages

TODAY = timezone.localdate


def days_ago(n):
    return TODAY() - timedelta(days=n)


@pytest.fixture
def terms(make_term):
    return {
        "never": make_term("Never"),
        "overdue": make_term("Overdue", last_reviewed=days_ago(200)),
        "soon": make_term("Soon", last_reviewed=days_ago(170)),
        "fresh": make_term("Fresh", last_reviewed=days_ago(10)),
        "custom": make_term(
            "Custom", last_reviewed=days_ago(40), review_interval_days=30
        ),
    }


def test_review_due_is_last_review_plus_the_interval(terms):
    assert terms["fresh"].review_due == days_ago(10) + timedelta(days=180)
    assert terms["custom"].review_due == days_ago(10)


def test_a_never_reviewed_term_is_due_from_its_creation(terms):
    assert terms["never"].review_due == timezone.localdate(terms["never"].created_at)


@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("never", ReviewState.NEVER_REVIEWED),
        ("overdue", ReviewState.OVERDUE),
        ("soon", ReviewState.DUE_SOON),
        ("fresh", ReviewState.FRESH),
        ("custom", ReviewState.OVERDUE),
    ],
)
def test_review_states(terms, name, state):
    assert terms[name].review_state == state
    in_state = Term.objects.in_review_state(state)
    assert terms[name] in in_state


def test_the_interval_comes_from_settings(terms, settings):
    settings.GLOSSARY_REVIEW_INTERVAL_DAYS = 5
    assert terms["fresh"].review_state == ReviewState.OVERDUE
    assert terms["fresh"] in Term.objects.in_review_state(ReviewState.OVERDUE)


def test_the_api_shows_review_due_and_state(api, terms):
    body = api.get("/api/v1/terms/custom/").json()
    assert body["review_due"] == days_ago(10).isoformat()
    assert body["review_state"] == "overdue"


def test_the_api_filters_overdue_terms(api, terms):
    Term.objects.filter(pk=terms["never"].pk).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    overdue = api.get("/api/v1/terms/?review_overdue=true").json()["results"]
    assert {t["slug"] for t in overdue} == {"never", "overdue", "custom"}
    current = api.get("/api/v1/terms/?review_overdue=false").json()["results"]
    assert {t["slug"] for t in current} == {"soon", "fresh"}
    response = api.get("/api/v1/terms/?review_overdue=soon")
    assert response.status_code == 400
    assert list(messages(response)) == ["review_overdue"]


def test_the_admin_list_shows_review_states_and_filters_on_them(editor_client, terms):
    page = editor_client.get("/admin/terms/term/").content.decode()
    for label in ("never reviewed", "overdue", "due soon", "fresh"):
        assert label in page
    response = editor_client.get("/admin/terms/term/?review=due_soon")
    assert [t.name for t in response.context["cl"].result_list] == ["Soon"]


def test_the_admin_front_page_counts_overdue_terms(editor_client, terms):
    Term.objects.filter(pk=terms["never"].pk).update(status=Term.Status.DRAFT)
    page = editor_client.get("/admin/").content.decode()
    assert "Review workload" in page
    workload = editor_client.get("/admin/").context["review_workload"]
    assert {row["label"]: row["count"] for row in workload} == {
        "overdue": 2,
        "never reviewed": 0,
    }


def test_mark_as_reviewed_in_the_form_records_date_and_reviewer(
    editor_client, editor, terms, term_form
):
    term = terms["overdue"]
    response = editor_client.post(
        f"/admin/terms/term/{term.pk}/change/", term_form(term, mark_reviewed="on")
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.last_reviewed == TODAY()
    assert term.reviewed_by == editor
    assert term.review_state == ReviewState.FRESH
