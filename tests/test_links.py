"""The links and shapes a front-end builds pages from: every reference to a
term carries its `permalink`, one name means one thing on every resource,
the term list can carry whole terms, and numbered pages say how many there
are."""

import pytest
from django.core.cache import caches

from terms.changes.models import Document
from terms.models import Citation, Term
from tests.problems import messages

TEMPLATE = "https://example.org/glossary/{slug}/"
BETA_PAGE = "https://example.org/glossary/beta/"
BETA_API = "http://testserver/api/v1/terms/beta/"


@pytest.fixture
def pages(settings):
    settings.GLOSSARY_TERM_URL = TEMPLATE


@pytest.fixture
def alpha_sees_beta(make_term, link, pages):
    alpha = make_term("Alpha", example="For *example*.")
    beta = make_term("Beta")
    link(alpha, beta)
    Citation.objects.create(
        term=alpha,
        source=beta.citations.get().source,
        role=Citation.Role.FURTHER_READING,
    )
    return alpha, beta


def only(items, slug="beta"):
    (found,) = [item for item in items if item["slug"] == slug]
    return found


def assert_links_to_beta(reference):
    assert reference["url"] == BETA_API
    assert reference["permalink"] == BETA_PAGE


def test_every_reference_to_a_term_carries_its_permalink(api, alpha_sees_beta):
    assert_links_to_beta(only(api.get("/api/v1/terms/").json()["results"]))
    detail = api.get("/api/v1/terms/alpha/").json()
    assert_links_to_beta(only(detail["see_also"]))
    index = api.get("/api/v1/index/").json()
    (letter_b,) = [group for group in index["letters"] if group["letter"] == "B"]
    assert_links_to_beta(only(letter_b["terms"]))
    assert_links_to_beta(only(api.get("/api/v1/index/B/").json()["terms"]))
    suggested = api.get("/api/v1/autocomplete/?q=be").json()["results"]
    assert_links_to_beta(only(suggested))
    did_you_mean = api.get("/api/v1/terms/?search=betta").json()["suggestions"]
    assert_links_to_beta(only(did_you_mean))
    source = detail["further_reading"][0]["id"]
    cited_by = api.get(f"/api/v1/sources/{source}/").json()["cited_by"]
    assert_links_to_beta(only(cited_by))
    feed = api.get("/api/v1/sync/").json()["results"]
    (entry,) = [e for e in feed if e["kind"] == "term" and e["key"] == "beta"]
    assert entry["permalink"] == BETA_PAGE


def test_a_deleted_terms_tombstone_names_the_page_to_drop(api, alpha_sees_beta):
    page = {"has_more": True, "next_cursor": None}
    while page["has_more"]:
        after = {"cursor": page["next_cursor"]} if page["next_cursor"] else {}
        page = api.get("/api/v1/sync/", after).json()
    cursor = page["next_cursor"]
    Term.objects.filter(slug="beta").update(status=Term.Status.DRAFT)
    feed = api.get(f"/api/v1/sync/?cursor={cursor}").json()["results"]
    (tombstone,) = [e for e in feed if e["key"] == "beta"]
    assert tombstone["deleted"] is True
    assert tombstone["permalink"] == BETA_PAGE


def test_a_term_is_reached_by_its_permalink_in_json_ld(api, alpha_sees_beta):
    page = api.get("/api/v1/terms/alpha/?format=jsonld").json()
    assert page["url"] == page["mainEntity"]["url"] == TEMPLATE.format(slug="alpha")
    assert page["relatedLink"] == [BETA_PAGE]


def test_a_changed_page_template_shows_at_once(api, alpha_sees_beta, settings):
    before = api.get("/api/v1/terms/beta/")
    settings.GLOSSARY_TERM_URL = "https://example.net/terms/{slug}"
    caches["responses"].clear()
    after = api.get("/api/v1/terms/beta/")
    assert after.json()["permalink"] == "https://example.net/terms/beta"
    assert after["ETag"] != before["ETag"]
    listed = api.get("/api/v1/terms/?fields=slug,permalink").json()["results"]
    assert only(listed)["permalink"] == "https://example.net/terms/beta"


# One name, one meaning: `url` the API address of a term, `link` a source's
# own address elsewhere, `citation` the formatted line.


def test_a_source_and_a_citation_say_link_and_citation(api, alpha_sees_beta):
    detail = api.get("/api/v1/terms/alpha/").json()
    cited = detail["sources"][0]
    source = api.get(f"/api/v1/sources/{cited['id']}/").json()
    assert (
        source["link"]
        == cited["link"]
        == "https://arxiv.org/abs/" + (cited["identifier"].removeprefix("arXiv:"))
    )
    assert source["citation"].endswith(source["link"])
    assert cited["citation"]
    # The v1 names stay, deprecated, with the same values.
    assert source["url"] == source["link"]
    assert source["reference"] == source["citation"]
    assert cited["url"] == cited["link"]
    assert source["api_url"] == f"http://testserver/api/v1/sources/{cited['id']}/"


def test_the_schema_marks_the_old_names_deprecated(api, db):
    schema = api.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    source, citation = components["Source"]["properties"], components["Citation"]
    assert source["url"]["deprecated"] is True
    assert source["reference"]["deprecated"] is True
    assert "deprecated" not in source["link"]
    assert "deprecated" not in source["citation"]
    assert citation["properties"]["url"]["deprecated"] is True
    assert "deprecated" not in citation["properties"]["link"]


# The term list carries whole terms on request: a static build is one crawl.

EVERY_FIELD = (
    "slug,name,url,permalink,title,summary,definition,definition_html,example,"
    "example_html,category,status,aliases,see_also,sources,further_reading,"
    "last_reviewed,review_due,review_state,created_at,updated_at,version"
)


@pytest.mark.parametrize("reader", ["anonymous", "editor"])
def test_the_list_serves_every_field_of_a_term(api, alpha_sees_beta, editor, reader):
    if reader == "editor":
        api.force_authenticate(editor)
    listed = api.get(f"/api/v1/terms/?fields={EVERY_FIELD}").json()["results"]
    for item in listed:
        assert item == api.get(f"/api/v1/terms/{item['slug']}/").json()
    picked = api.get("/api/v1/terms/?fields=slug,definition_html,see_also").json()
    alpha = only(picked["results"], "alpha")
    assert list(alpha) == ["slug", "definition_html", "see_also"]
    assert alpha["definition_html"] == "<p>The <em>definition</em> of Alpha.</p>"
    assert_links_to_beta(alpha["see_also"][0])


def test_an_unknown_list_field_is_still_a_400_naming_it(api, db):
    response = api.get("/api/v1/terms/?fields=slug,nope")
    assert response.status_code == 400
    assert "nope" in messages(response)["fields"][0]


# Numbered pages say how many there are.


def test_a_numbered_page_says_how_many_pages_there_are(api, make_term):
    for n in range(5):
        make_term(f"Term {n}")
    body = api.get("/api/v1/terms/?page_size=2").json()
    assert (body["count"], body["pages"]) == (5, 3)
    assert api.get("/api/v1/terms/?page_size=5").json()["pages"] == 1
    assert api.get("/api/v1/sources/?page_size=2").json()["pages"] == 3
    assert api.get("/api/v1/index/T/?page_size=2").json()["pages"] == 3


def test_an_empty_list_is_one_empty_page(api, db):
    body = api.get("/api/v1/terms/").json()
    assert (body["count"], body["pages"], body["results"]) == (0, 1, [])


def test_a_cursor_walk_counts_neither_results_nor_pages(api, make_term):
    make_term("Alpha")
    body = api.get("/api/v1/terms/?pagination=cursor").json()
    assert "count" not in body
    assert "pages" not in body


def test_a_search_past_its_count_cap_does_not_know_its_pages(api, make_term, settings):
    settings.GLOSSARY_SEARCH_COUNT_CAP = 2
    for n in range(4):
        make_term(f"Model {n}")
    capped = api.get("/api/v1/terms/?search=model&page_size=1").json()
    assert (capped["count"], capped["count_is_estimate"]) == (2, True)
    assert capped["pages"] is None
    settings.GLOSSARY_SEARCH_COUNT_CAP = 10
    counted = api.get("/api/v1/terms/?search=model&page_size=3").json()
    assert (counted["count"], counted["pages"]) == (4, 2)


def test_the_schema_has_no_example_hosts(api, db):
    text = api.get("/api/schema/?format=json").content.decode()
    assert "example.org/api" not in text
    assert "api.example" not in text


def test_stored_documents_of_an_older_shape_are_rebuilt_as_a_change(
    api, alpha_sees_beta
):
    before = api.get("/api/v1/terms/alpha/").json()
    Document.objects.update(shape="old", detail="{}", compact="{}")
    caches["responses"].clear()
    after = api.get("/api/v1/terms/alpha/").json()
    assert after["see_also"] == before["see_also"]
    # Sync clients and caches hear of it: the term's version grows.
    assert after["version"] > before["version"]
    listed = api.get("/api/v1/terms/?fields=slug,permalink").json()["results"]
    assert only(listed)["permalink"] == BETA_PAGE
