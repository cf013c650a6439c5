"""Stored documents: a published term's public JSON and JSON-LD are built
when it changes and served as stored bytes (terms/changes/documents.py)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.utils import timezone

from terms.changes.models import Document
from terms.models import Term

URL = "/api/v1/terms/alpha/"


def cold(api, url, **headers):
    """A read that the response cache cannot answer."""
    caches["responses"].clear()
    return api.get(url, **headers)


@pytest.fixture
def alpha(make_term):
    return make_term("Alpha")


@pytest.fixture
def as_in_production(settings):
    """The response cache's key reads the log's head at most once a second
    in production (0 in tests, which then count that query)."""
    settings.GLOSSARY_VERSION_RECHECK_SECONDS = 60


def test_a_write_builds_the_terms_document(
    make_term, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alpha = make_term("Alpha")
    document = Document.objects.get(term=alpha)
    assert '"name":"Alpha"' in document.detail
    assert '"@type":"DefinedTerm"' in document.jsonld


@pytest.mark.parametrize("url", [URL, URL + "?format=jsonld"])
def test_a_cold_detail_read_is_one_query(
    api, alpha, url, as_in_production, django_assert_num_queries
):
    first = cold(api, url)
    with django_assert_num_queries(1):
        again = cold(api, url)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_a_cold_conditional_read_is_one_query(
    api, alpha, as_in_production, django_assert_num_queries
):
    tag = api.get(URL)["ETag"]
    with django_assert_num_queries(1):
        assert cold(api, URL, HTTP_IF_NONE_MATCH=tag).status_code == 304


def test_the_stored_document_is_what_the_live_render_shows(api, alpha, editor):
    """An editor's read renders live; of a published term it shows the same."""
    stored = cold(api, URL).json()
    api.force_authenticate(editor)
    assert api.get(URL).json() == stored


def test_an_update_in_sql_is_served_at_once(api, alpha):
    cold(api, URL)
    Term.objects.filter(pk=alpha.pk).update(definition="Now **bold**.")
    body = cold(api, URL).json()
    assert body["definition_html"] == "<p>Now <strong>bold</strong>.</p>"


def test_a_cited_sources_edit_reaches_the_terms_document(api, alpha):
    source = alpha.citations.get().source
    source.title = "A better title"
    source.save()
    assert cold(api, URL).json()["sources"][0]["title"] == "A better title"


def test_urls_in_documents_name_the_host_asked(api, alpha, settings):
    settings.ALLOWED_HOSTS = ["glossary.example", "other.example"]
    one = cold(api, URL, HTTP_HOST="glossary.example").json()
    other = cold(api, URL, HTTP_HOST="other.example").json()
    assert one["url"] == "http://glossary.example/api/v1/terms/alpha/"
    assert other["url"] == "http://other.example/api/v1/terms/alpha/"
    listed = cold(api, "/api/v1/terms/", HTTP_HOST="other.example").json()
    assert listed["results"][0]["url"] == other["url"]


def test_an_unpublished_term_is_gone_at_once(api, alpha):
    cold(api, URL)
    Term.objects.filter(pk=alpha.pk).update(status=Term.Status.DRAFT)
    assert cold(api, URL).status_code == 404


def test_a_review_state_that_turns_with_the_date_is_a_change(api, make_term):
    today = timezone.localdate()
    make_term(
        "Alpha", last_reviewed=today - timedelta(days=340), review_interval_days=365
    )
    before = cold(api, URL).json()
    assert before["review_state"] == "due_soon"
    later = today + timedelta(days=30)
    with mock.patch("django.utils.timezone.localdate", return_value=later):
        after = cold(api, URL).json()
        feed = api.get("/api/v1/sync/").json()
    assert after["review_state"] == "overdue"
    assert after["version"] > before["version"]
    assert feed["results"][0]["document"]["review_state"] == "overdue"


def test_build_documents_builds_what_is_missing_once(db, make_term, capsys):
    make_term("Alpha")
    make_term("Beta")
    Document.objects.all().delete()
    call_command("build_documents")
    assert "Built 2 stored document(s)." in capsys.readouterr().out
    call_command("build_documents")
    assert "Built 0 stored document(s)." in capsys.readouterr().out


def test_a_document_is_not_built_for_a_draft(make_term):
    draft = make_term("Draft", status=Term.Status.DRAFT)
    assert not Document.objects.filter(term=draft).exists()
