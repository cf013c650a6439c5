"""GET /api/v1/sources/ and /api/v1/categories/."""

import pytest

from terms.models import Citation, Source
from tests.problems import messages


def test_source_detail_lists_the_terms_citing_it(api, seed):
    source = Source.objects.get(key="bai2022constitutional")
    body = api.get(f"/api/v1/sources/{source.pk}/").json()
    assert body["identifier"] == "arXiv:2212.08073"
    assert body["reference"] == (
        "Constitutional AI: Harmlessness from AI Feedback, Bai et al., Anthropic, "
        "arXiv:2212.08073, 2022. https://arxiv.org/abs/2212.08073"
    )
    citing = {(term["slug"], term["role"]) for term in body["cited_by"]}
    assert ("ai-alignment", "source") in citing
    assert ("ai-alignment", "further_reading") in citing


def test_a_term_links_to_its_sources_detail(api, seed):
    term = api.get("/api/v1/terms/ai-alignment/").json()
    source_id = term["sources"][0]["id"]
    body = api.get(f"/api/v1/sources/{source_id}/").json()
    assert body["title"] == term["sources"][0]["title"]


def test_sources_are_listed_by_title_and_filterable(api, seed):
    body = api.get("/api/v1/sources/?page_size=100").json()
    titles = [source["title"] for source in body["results"]]
    assert titles == sorted(titles)
    assert body["count"] == Source.objects.count()
    cited = api.get("/api/v1/sources/?cited_by=ai-alignment").json()
    assert {s["key"] for s in cited["results"]} == {
        "bai2022constitutional",
        "ouyang2022instructgpt",
    }
    by_identifier = api.get("/api/v1/sources/?identifier=arXiv:2203.02155").json()
    assert [s["key"] for s in by_identifier["results"]] == ["ouyang2022instructgpt"]
    assert api.get("/api/v1/sources/?year=2022&kind=paper").json()["count"] >= 2


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("year=twenty", "year"),
        ("kind=podcast", "kind"),
        ("search=x", "search"),
        ("fields=nope", "fields"),
    ],
)
def test_bad_source_parameters_are_400s(api, db, query, parameter):
    response = api.get(f"/api/v1/sources/?{query}")
    assert response.status_code == 400
    assert list(messages(response)) == [parameter]


@pytest.mark.parametrize("address", ["abc", "99999999999999999999999", "0"])
def test_unknown_source_ids_are_404s(api, db, address):
    assert api.get(f"/api/v1/sources/{address}/").status_code == 404


def test_categories_with_published_term_counts(api, seed):
    body = api.get("/api/v1/categories/").json()
    rows = {row["slug"]: row for row in body["results"]}
    assert rows["alignment"]["name"] == "Alignment"
    assert sum(row["term_count"] for row in rows.values()) == 19
    detail = api.get("/api/v1/categories/alignment/").json()
    assert detail == rows["alignment"]


def test_term_list_filters_by_a_category_from_the_categories_endpoint(api, seed):
    (first, *_) = api.get("/api/v1/categories/").json()["results"]
    listed = api.get(f"/api/v1/terms/?category={first['slug']}").json()
    assert listed["count"] == first["term_count"]


def test_citation_numbering_follows_position_not_insertion(api, make_term, make_source):
    term = make_term("Numbered")
    late, early = make_source(title="Late"), make_source(title="Early")
    Citation.objects.create(term=term, source=late, position=9)
    Citation.objects.create(term=term, source=early, position=0)
    sources = api.get("/api/v1/terms/numbered/").json()["sources"]
    assert [(s["number"], s["title"]) for s in sources[:1]] == [(1, "Early")]
    assert sources[-1]["title"] == "Late"
    assert [s["number"] for s in sources] == [1, 2, 3]
