"""Repeat anonymous reads are replayed from the response cache before the
view runs, and never outlive the content they show by more than the recheck
interval."""

import pytest
from django.core.cache import caches

from terms.models import Term

URL = "/api/v1/terms/ai-alignment/"


@pytest.fixture
def recheck(settings):
    """Let each process trust its last reading of the change log's head."""
    settings.GLOSSARY_VERSION_RECHECK_SECONDS = 60
    return settings


@pytest.fixture
def clock(monkeypatch):
    """The replay's notion of time, moved by hand."""
    now = [1000.0]
    monkeypatch.setattr("terms.api.freshness.time.monotonic", lambda: now[0])
    return now


def rename(slug, name):
    Term.objects.filter(slug=slug).update(name=name)


def test_a_repeat_read_is_the_same_response_without_any_query(
    api, seed, recheck, django_assert_num_queries
):
    first = api.get(URL)
    with django_assert_num_queries(0):
        again = api.get(URL)
    assert again.status_code == 200
    assert again.content == first.content
    headers = ["Content-Type", "ETag", "Last-Modified", "Cache-Control", "Vary"]
    for header in [*headers, "X-Frame-Options", "X-Content-Type-Options"]:
        assert again[header] == first[header], header


def test_a_replay_honours_if_none_match_and_if_modified_since(
    api, seed, recheck, django_assert_num_queries
):
    first = api.get(URL)
    with django_assert_num_queries(0):
        by_etag = api.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
        by_date = api.get(URL, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        other = api.get(URL, HTTP_IF_NONE_MATCH='"something-else"')
    assert (by_etag.status_code, by_etag.content) == (304, b"")
    assert by_etag["ETag"] == first["ETag"]
    assert by_date.status_code == 304
    assert other.status_code == 200


def test_a_304_from_the_view_lets_the_next_be_answered_before_it(
    api, seed, recheck, django_assert_num_queries
):
    etag = api.get(URL)["ETag"]
    caches["responses"].clear()  # as when the entry was evicted
    assert api.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304  # the view's
    with django_assert_num_queries(0):
        again = api.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again["ETag"]) == (304, etag)
    # Only the validators were filed: a read without them gets the whole term.
    full = api.get(URL)
    assert full.status_code == 200
    assert full.json()["slug"] == "ai-alignment"
    assert api.get(URL).content == full.content


def test_without_a_recheck_interval_every_read_sees_the_latest_edit(api, seed):
    api.get(URL)
    rename("ai-alignment", "Alignment, renamed")
    assert api.get(URL).json()["name"] == "Alignment, renamed"


def test_an_edit_shows_once_the_recheck_interval_has_passed(api, seed, recheck, clock):
    before = api.get(URL)
    rename("ai-alignment", "Alignment, renamed")
    clock[0] += 59
    assert api.get(URL).json()["name"] == before.json()["name"]
    clock[0] += 1
    after = api.get(URL)
    assert after.json()["name"] == "Alignment, renamed"
    assert after["ETag"] != before["ETag"]


def test_formats_are_replayed_apart(api, seed, recheck):
    json_first = api.get(URL)
    ld_first = api.get(URL, HTTP_ACCEPT="application/ld+json")
    json_again = api.get(URL)
    ld_again = api.get(URL, HTTP_ACCEPT="application/ld+json")
    assert json_again.content == json_first.content
    assert ld_again.content == ld_first.content
    assert ld_again["Content-Type"].startswith("application/ld+json")
    assert json_again["Content-Type"] == "application/json"


def test_what_a_signed_in_editor_reads_is_never_replayed(
    api, client, seed, editor, recheck
):
    Term.objects.filter(slug="ai-alignment").update(status=Term.Status.DRAFT)
    client.force_login(editor)
    assert client.get(URL).status_code == 200  # editors see the draft
    assert client.get(URL).status_code == 200
    assert api.get(URL).status_code == 404
    assert client.get(URL).status_code == 200  # and the anonymous 404 is not theirs


def test_signed_in_editors_are_not_served_anonymous_replays(
    api, client, seed, editor, recheck, make_term
):
    make_term("Unpublished idea", status=Term.Status.DRAFT)
    anonymous = api.get("/api/v1/index/").json()["count"]
    assert api.get("/api/v1/index/").json()["count"] == anonymous  # replayed
    client.force_login(editor)
    assert client.get("/api/v1/index/").json()["count"] == anonymous + 1


def test_errors_are_not_replayed(api, seed, recheck):
    assert api.get("/api/v1/terms/?colour=red").status_code == 400
    assert api.get("/api/v1/terms/?colour=red").status_code == 400
    assert api.get("/api/v1/terms/no-such-term/").status_code == 404


def filed_entries() -> int:
    """How many responses the (per-process, in tests) response cache holds."""
    return len(caches["responses"]._cache)


def test_accept_headers_that_differ_in_parameters_share_one_entry(api, seed):
    responses = [
        api.get(URL, HTTP_ACCEPT=f"application/json; q=0.{n:03d}") for n in range(200)
    ]
    assert {response.status_code for response in responses} == {200}
    assert {response["Content-Type"] for response in responses} == {"application/json"}
    assert len({response.content for response in responses}) == 1
    assert len({response["ETag"] for response in responses}) == 1
    assert filed_entries() <= 2


def test_host_ports_do_not_file_an_entry_each(api, seed):
    responses = [
        api.get(URL, HTTP_HOST=f"localhost:{port}") for port in range(20000, 20200)
    ]
    assert {response.status_code for response in responses} == {200}
    # Each is answered for the address it asked for ...
    assert responses[7].json()["url"].startswith("http://localhost:20007/")
    # ... but the cache is not filled with one copy per port.
    assert filed_entries() <= 2


def test_a_host_the_site_does_not_serve_is_refused_and_never_filed(api, seed):
    response = api.get(URL, HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "host" in response.json()["detail"].lower()
    assert filed_entries() == 0


# (Accept, address, the status and Content-Type it is answered with.)
NEGOTIATED = [
    (None, URL, 200, "application/json"),
    ("application/json; q=0.5", URL, 200, "application/json"),
    ("*/*; q=0.3", URL, 200, "application/json"),
    ("application/ld+json", URL, 200, "application/ld+json"),
    ("application/ld+json; q=0.9", URL, 200, "application/ld+json"),
    ("application/ld+json, */*;q=0.1", URL, 200, "application/ld+json"),
    ("image/png", URL, 406, "application/problem+json"),
    (None, URL + "?format=jsonld", 200, "application/ld+json"),
    ("application/json", URL + "?format=jsonld", 406, "application/problem+json"),
    ("application/ld+json", "/api/v1/terms/", 406, "application/problem+json"),
    ("application/ld+json, */*;q=0.1", "/api/v1/terms/", 200, "application/json"),
    ("application/json", "/api/v1/terms/", 200, "application/json"),
]


def test_json_and_json_ld_are_never_mixed_up_in_replays(api, seed, recheck):
    for _ in range(2):  # rendered, then replayed
        for accept, url, status, content_type in NEGOTIATED:
            headers = {"HTTP_ACCEPT": accept} if accept else {}
            response = api.get(url, **headers)
            assert (response.status_code, response["Content-Type"]) == (
                status,
                content_type,
            ), (accept, url, response.content[:200])
            if status == 200 and content_type == "application/ld+json":
                assert response.json()["@type"] == "WebPage"
