"""Each resource has its own version: its ETag changes when, and only when,
what it shows changes, and If-Match on a write compares that version."""

import pytest

from terms.models import Alias, Source, Term


def etag(api, url) -> str:
    response = api.get(url)
    assert response.status_code == 200, response.content
    return response["ETag"]


@pytest.fixture
def pair(make_term, link):
    """Two unrelated published terms, a third linking to the second, a draft."""
    return {
        "a": make_term("Alpha"),
        "b": make_term("Beta"),
        "linker": link(make_term("Linker"), Term.objects.get(slug="beta")).term,
        "draft": make_term("Draft", status=Term.Status.DRAFT),
    }


def test_an_edit_leaves_unrelated_terms_etags_alone(api, pair):
    before = etag(api, "/api/v1/terms/alpha/")
    Term.objects.filter(slug="beta").update(definition="Beta, changed.")
    assert etag(api, "/api/v1/terms/alpha/") == before


def test_an_edit_changes_the_etag_of_a_term_showing_it(api, pair):
    before = etag(api, "/api/v1/terms/linker/")
    beta = pair["b"]
    beta.name = "Beta renamed"
    beta.save()
    assert etag(api, "/api/v1/terms/linker/") != before
    see_also = api.get("/api/v1/terms/linker/").json()["see_also"]
    assert see_also[0]["name"] == "Beta renamed"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/terms/alpha/",
        "/api/v1/terms/alpha/?format=jsonld",
        "/api/v1/terms/",
        "/api/v1/index/",
        "/api/v1/autocomplete/?q=al",
        "/api/v1/sources/",
        "/api/v1/categories/",
    ],
)
def test_a_draft_edit_changes_no_public_validator(api, pair, url):
    before = etag(api, url)
    draft = pair["draft"]
    draft.definition = "Still a draft."
    draft.save()
    Alias.objects.create(term=draft, name="Sketch")
    assert etag(api, url) == before


def test_a_list_page_keeps_its_etag_when_a_term_off_the_page_changes(api, pair):
    url = "/api/v1/terms/?letter=A"
    before = etag(api, url)
    Term.objects.filter(slug="beta").update(summary="Beta, changed.")
    assert etag(api, url) == before
    Term.objects.filter(slug="alpha").update(summary="Alpha, changed.")
    assert etag(api, url) != before


def test_the_representation_carries_its_version_as_the_etag_does(api, pair):
    response = api.get("/api/v1/terms/alpha/")
    version = response.json()["version"]
    assert isinstance(version, int)
    assert response["ETag"].strip('"').split(".")[0] == str(version)
    Term.objects.filter(slug="alpha").update(summary="Changed.")
    assert api.get("/api/v1/terms/alpha/").json()["version"] > version


def test_an_unrelated_edit_never_causes_a_412(tool, pair):
    read = tool.get("/api/v1/terms/alpha/")
    other = tool.patch(
        "/api/v1/terms/beta/",
        {"title": "Beta's title"},
        format="json",
        HTTP_IF_MATCH=tool.get("/api/v1/terms/beta/")["ETag"],
    )
    assert other.status_code == 200
    Source.objects.create(key="new", title="New", authors="X", year=2020)
    response = tool.patch(
        "/api/v1/terms/alpha/",
        {"title": "Alpha's title"},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )
    assert response.status_code == 200, response.content


def test_if_match_takes_the_version_from_the_body(tool, pair):
    version = tool.get("/api/v1/terms/alpha/").json()["version"]
    stale = tool.patch(
        "/api/v1/terms/alpha/",
        {"title": "One"},
        format="json",
        HTTP_IF_MATCH=f'"{version}"',
    )
    assert stale.status_code == 200
    again = tool.patch(
        "/api/v1/terms/alpha/",
        {"title": "Two"},
        format="json",
        HTTP_IF_MATCH=f'"{version}"',
    )
    assert again.status_code == 412
    assert Term.objects.get(slug="alpha").title == "One"


def test_two_writes_to_one_draft_with_the_same_etag_the_second_is_412(tool, pair):
    url = "/api/v1/terms/draft/"
    read = tool.get(url)
    first = tool.patch(url, {"title": "1"}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert first.status_code == 200
    second = tool.patch(url, {"title": "2"}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert second.status_code == 412
    assert Term.objects.get(slug="draft").title == "1"


def test_a_source_edit_changes_its_own_etag_and_its_citing_terms(api, pair):
    source = pair["a"].citations.get().source
    source_url = f"/api/v1/sources/{source.pk}/"
    before = {url: etag(api, url) for url in (source_url, "/api/v1/terms/alpha/")}
    unrelated = etag(api, "/api/v1/terms/beta/")
    source.title = "Retitled"
    source.save()
    assert all(etag(api, url) != tag for url, tag in before.items())
    assert etag(api, "/api/v1/terms/beta/") == unrelated


@pytest.mark.parametrize(
    "url", ["/api/v1/autocomplete/?q=al", "/api/v1/sources/?page_size=1"]
)
def test_a_collection_keeps_its_etag_when_a_non_member_changes(api, pair, url):
    before = etag(api, url)
    beta = pair["b"]
    beta.summary = "Beta, changed."
    beta.save()
    Source.objects.filter(pk=beta.citations.get().source_id).update(title="Paper zz")
    assert etag(api, url) == before


def test_a_suggestion_list_changes_its_etag_when_a_member_does(api, pair):
    before = etag(api, "/api/v1/autocomplete/?q=al")
    Term.objects.filter(slug="alpha").update(name="Alpha prime")
    assert etag(api, "/api/v1/autocomplete/?q=al") != before
