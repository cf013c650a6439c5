"""The number of SQL queries per read does not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from terms.api.serializers import TermDetailSerializer
from terms.models import Alias, Category, Citation, Source

# Every field of a term, as a static build lists them.
WHOLE_TERMS = "/api/v1/terms/?fields=" + ",".join(TermDetailSerializer.Meta.fields)


def queries(api, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.fixture
def grow(make_term, make_source, link):
    """Adds `n` published terms, each richly related to the hub and each other."""
    category = Category.objects.create(name="Grown", slug="grown")
    hub = make_term("Hub", category=category)

    def add(n):
        for _ in range(n):
            term = make_term(category=category)
            link(hub, term, position=term.pk)
            link(term, hub)
            Alias.objects.create(term=term, name=f"alias of {term.slug}")
            Alias.objects.create(term=hub, name=f"hub alias {term.slug}")
            Citation.objects.create(term=hub, source=make_source(), position=term.pk)
            Citation.objects.create(
                term=term,
                source=Source.objects.first(),
                role=Citation.Role.FURTHER_READING,
            )

    return add


URLS = [
    "/api/v1/terms/?page_size=100",
    "/api/v1/terms/?page_size=100&search=term",
    # More matches than the page: its tiers, and a count that stops at the cap.
    "/api/v1/terms/?page_size=2&search=term",
    "/api/v1/terms/?page_size=2&search=term&ordering=name",
    # Nothing found: the suggestions' queries (names, aliases).
    "/api/v1/terms/?search=hubb",
    "/api/v1/terms/?page_size=100&letter=T&ordering=-last_reviewed",
    "/api/v1/terms/?page_size=100&pagination=cursor",
    WHOLE_TERMS + "&page_size=100",
    WHOLE_TERMS + "&page_size=100&pagination=cursor",
    "/api/v1/terms/?page_size=100&pagination=cursor&ordering=-last_reviewed",
    "/api/v1/terms/hub/",
    "/api/v1/terms/hub/?format=jsonld",
    "/api/v1/index/",
    "/api/v1/index/T/",
    "/api/v1/index/T/?pagination=cursor&page_size=3",
    "/api/v1/autocomplete/?q=t",
    "/api/v1/sources/?page_size=100",
    "/api/v1/categories/",
]


@pytest.mark.parametrize("url", URLS)
def test_queries_stay_flat_as_the_glossary_grows(api, grow, url):
    add = grow
    add(2)
    few = queries(api, url)
    add(25)
    assert queries(api, url) == few


def test_source_detail_queries_stay_flat(api, grow):
    add = grow
    add(2)
    source = Source.objects.first()
    few = queries(api, f"/api/v1/sources/{source.pk}/")
    add(25)
    assert queries(api, f"/api/v1/sources/{source.pk}/") == few


def test_a_conditional_get_is_one_query(api, grow, django_assert_num_queries):
    add = grow
    add(3)
    etag = api.get("/api/v1/terms/hub/")["ETag"]
    with django_assert_num_queries(1):
        assert api.get("/api/v1/terms/hub/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def walk_costs(api, url) -> list[int]:
    """The queries of each page of a cursor walk from `url`."""
    costs = []
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = api.get(url)
        assert response.status_code == 200, response.content
        costs.append(len(captured))
        url = response.json()["next"]
    return costs


def test_the_last_page_of_a_cursor_walk_costs_what_the_first_does(api, grow):
    add = grow
    add(30)
    costs = walk_costs(api, "/api/v1/terms/?pagination=cursor&page_size=2")
    assert len(costs) == 16
    assert set(costs) == {costs[0]}


@pytest.mark.parametrize("ordering", ["-name", "last_reviewed", "-updated_at"])
def test_a_cursor_page_costs_the_same_at_any_depth(api, grow, ordering):
    """Orderings whose keyset has a tie-break the other way, or NULLs, read
    the rest of the leading key's tie, then what follows it: a few queries,
    as many at the end as near the start."""
    add = grow
    add(30)
    url = f"/api/v1/terms/?pagination=cursor&page_size=2&ordering={ordering}"
    costs = walk_costs(api, url)
    assert max(costs) <= costs[0] + 2


def test_a_letters_only_index_costs_the_same_at_any_size(api, grow, settings):
    settings.GLOSSARY_INDEX_INLINE_MAX = 1
    add = grow
    add(2)
    few = queries(api, "/api/v1/index/")
    assert api.get("/api/v1/index/").json()["inline"] is False
    add(25)
    assert queries(api, "/api/v1/index/") == few


def test_the_last_page_of_a_letter_costs_what_the_first_does(api, grow):
    add = grow
    add(30)
    costs = walk_costs(api, "/api/v1/index/T/?pagination=cursor&page_size=4")
    assert len(costs) == 8
    assert set(costs) == {costs[0]}


def test_a_search_past_the_cap_counts_no_further(api, grow, settings):
    """The count stops at the cap: whatever the glossary's size, the same
    queries, and the same answer."""
    settings.GLOSSARY_SEARCH_COUNT_CAP = 5
    add = grow
    add(6)
    url = "/api/v1/terms/?page_size=2&search=term"
    few = queries(api, url)
    add(25)
    assert queries(api, url) == few
    page = api.get(url).json()
    assert (page["count"], page["count_is_estimate"]) == (5, True)


@pytest.mark.parametrize("reader", ["anonymous", "editor"])
def test_a_page_of_whole_terms_costs_the_same_at_any_page_size(
    api, grow, editor, reader
):
    """Stored documents for the public, a rendering with a fixed number of
    prefetches for editors: either way, 2 terms or 31 a page cost alike."""
    if reader == "editor":
        api.force_authenticate(editor)
    add = grow
    add(30)
    api.get(WHOLE_TERMS + "&page_size=100")  # builds the stored documents
    small = queries(api, WHOLE_TERMS + "&page_size=2")
    assert queries(api, WHOLE_TERMS + "&page_size=31") == small
