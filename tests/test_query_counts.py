"""The number of SQL queries per read does not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from terms.models import Alias, Category, Citation, Source


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
    "/api/v1/terms/hub/",
    "/api/v1/terms/hub/?format=jsonld",
    "/api/v1/index/",
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
