"""GET /api/v1/terms/?search=: relevance ranking, on PostgreSQL and SQLite."""

from urllib.parse import parse_qsl

import pytest

from tests.problems import messages


def search(api, text, **params) -> list[str]:
    response = api.get("/api/v1/terms/", {"search": text, **params})
    assert response.status_code == 200, response.content
    return [term["slug"] for term in response.json()["results"]]


def test_rlhf_finds_its_term_first(api, seed):
    slugs = search(api, "RLHF")
    assert slugs[0] == "reinforcement-learning-from-human-feedback"
    assert "ai-alignment" in slugs  # its definition mentions RLHF


def test_name_outranks_summary_outranks_definition(api, make_term):
    make_term("Definition hit", summary="Nothing.", definition="About zeppelins.")
    make_term("Summary hit", summary="All about zeppelins.", definition="Nothing.")
    make_term("Zeppelins", summary="Nothing.", definition="Nothing.")
    make_term("Unrelated", summary="Nothing.", definition="Nothing.")
    assert search(api, "zeppelins") == ["zeppelins", "summary-hit", "definition-hit"]


def test_an_alias_match_ranks_like_a_name_match(api, make_term):
    make_term("Summary hit", summary="The ZPL system.", definition="Nothing.")
    term = make_term("Zeppelin policy learning", summary="Nothing.")
    term.aliases.create(name="ZPL")
    assert search(api, "zpl") == ["zeppelin-policy-learning", "summary-hit"]


def test_a_query_of_several_words_ranks_by_where_all_of_them_are(api, make_term):
    make_term("Airship", summary="Nothing.", definition="A zeppelin policy.")
    make_term("Steering", summary="A zeppelin policy.", definition="Nothing.")
    make_term("Zeppelin policy", summary="Nothing.", definition="Nothing.")
    assert search(api, "zeppelin policy") == ["zeppelin-policy", "steering", "airship"]


def test_search_ignores_case_and_accents(api, make_term):
    make_term("Évaluation croisée", slug="evaluation-croisee")
    assert search(api, "EVALUATION") == ["evaluation-croisee"]


def test_explicit_ordering_overrides_relevance(api, make_term):
    make_term("B zeppelins")
    make_term("A", summary="zeppelins")
    assert search(api, "zeppelins") == ["b-zeppelins", "a"]
    assert search(api, "zeppelins", ordering="name") == ["a", "b-zeppelins"]


def test_search_combines_with_filters(api, seed):
    slugs = search(api, "feedback", category="alignment")
    assert slugs
    assert "large-language-model" not in slugs


@pytest.mark.parametrize(
    "text",
    [
        '"',
        'a or -b "x',
        "!!! & | ( ) :* <->",
        "' OR 1=1 --",
        "%_\\",
        "日本語",
        "😀",
        "x" * 200,
        " ",
    ],
)
def test_any_search_text_answers_200(api, seed, text):
    response = api.get("/api/v1/terms/", {"search": text})
    assert response.status_code == 200


@pytest.mark.parametrize("text", ["x" * 201, "a\x00b"])
def test_unusable_search_text_answers_400(api, db, text):
    response = api.get("/api/v1/terms/", {"search": text})
    assert response.status_code == 400
    assert list(messages(response)) == ["search"]


def pages(api, url) -> list[dict]:
    """Every page of a search from `url` on, following `next`."""
    found = []
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        found.append(response.json())
        url = found[-1]["next"]
    return found


@pytest.fixture
def zeppelins(make_term):
    """Seven terms holding "zeppelin": in their names (3), summaries (2),
    definitions (2), each tier's names out of alphabetical order."""
    for name in ["Zeppelin C", "Zeppelin A", "B zeppelin"]:
        make_term(name, summary="Nothing.", definition="Nothing.")
    for name in ["Summary Y", "Summary X"]:
        make_term(name, summary="About a zeppelin.", definition="Nothing.")
    for name in ["Definition Q", "Definition P"]:
        make_term(name, summary="Nothing.", definition="A zeppelin.")
    make_term("Unrelated", summary="Nothing.", definition="Nothing.")
    return [
        "b-zeppelin",
        "zeppelin-a",
        "zeppelin-c",
        "summary-x",
        "summary-y",
        "definition-p",
        "definition-q",
    ]


@pytest.mark.parametrize("page_size", [1, 2, 3, 4, 7])
def test_pages_follow_the_ranking_across_tiers(api, zeppelins, page_size):
    walked = pages(api, f"/api/v1/terms/?search=zeppelin&page_size={page_size}")
    assert [slug for page in walked for slug in slugs_of(page)] == zeppelins
    assert len(walked) == -(-len(zeppelins) // page_size)
    assert walked[0]["previous"] is None
    assert all(page["count"] == len(zeppelins) for page in walked)


def slugs_of(page: dict) -> list[str]:
    return [term["slug"] for term in page["results"]]


def test_explicit_ordering_pages_too(api, zeppelins):
    walked = pages(api, "/api/v1/terms/?search=zeppelin&page_size=3&ordering=-name")
    assert [s for page in walked for s in slugs_of(page)] == [
        "zeppelin-c",
        "zeppelin-a",
        "summary-y",
        "summary-x",
        "definition-q",
        "definition-p",
        "b-zeppelin",
    ]


def test_a_search_page_has_the_count_and_suggestions_members(api, zeppelins):
    page = api.get("/api/v1/terms/?search=zeppelin&page_size=3").json()
    assert list(page) == [
        "count",
        "count_is_estimate",
        "pages",
        "next",
        "previous",
        "results",
        "suggestions",
    ]
    assert (page["count"], page["count_is_estimate"], page["pages"]) == (7, False, 3)
    assert page["suggestions"] == []  # it found some
    assert link(page["next"]) == {"search": "zeppelin", "page_size": "3", "page": "2"}
    last = api.get(page["next"].replace("page=2", "page=3")).json()
    assert link(last["previous"]) == {
        "search": "zeppelin",
        "page_size": "3",
        "page": "2",
    }
    second = api.get(last["previous"]).json()
    assert link(second["previous"]) == {"search": "zeppelin", "page_size": "3"}


def link(url: str) -> dict[str, str]:
    address, _, query = url.partition("?")
    assert address == "http://testserver/api/v1/terms/"
    return dict(parse_qsl(query))


def test_a_list_without_search_keeps_its_envelope(api, zeppelins):
    page = api.get("/api/v1/terms/?page_size=3").json()
    assert list(page) == ["count", "pages", "next", "previous", "results"]
    blank = api.get("/api/v1/terms/", {"search": " ", "page_size": 3}).json()
    assert list(blank) == ["count", "pages", "next", "previous", "results"]


@pytest.mark.parametrize("cap", [1, 3, 6])
def test_past_the_cap_the_count_is_the_cap_and_an_estimate(
    api, zeppelins, settings, cap
):
    settings.GLOSSARY_SEARCH_COUNT_CAP = cap
    walked = pages(api, "/api/v1/terms/?search=zeppelin&page_size=2")
    assert [s for page in walked for s in slugs_of(page)] == zeppelins
    assert {(page["count"], page["count_is_estimate"]) for page in walked} == {
        (cap, True)
    }
    assert walked[-1]["next"] is None


@pytest.mark.parametrize("cap", [7, 8, 1000])
def test_up_to_the_cap_the_count_is_exact(api, zeppelins, settings, cap):
    settings.GLOSSARY_SEARCH_COUNT_CAP = cap
    for page_size in (2, 7, 100):
        page = api.get(f"/api/v1/terms/?search=zeppelin&page_size={page_size}").json()
        assert (page["count"], page["count_is_estimate"]) == (7, False)


def test_a_page_past_the_last_is_404_naming_the_page(api, zeppelins, settings):
    settings.GLOSSARY_SEARCH_COUNT_CAP = 2
    response = api.get("/api/v1/terms/?search=zeppelin&page_size=2&page=5")
    assert response.status_code == 404
    assert list(messages(response)) == ["page"]
    assert (
        api.get("/api/v1/terms/?search=zeppelin&page_size=2&page=4").status_code == 200
    )


@pytest.mark.parametrize(
    "page", ["0", "-1", "two", "1.5", "1000001", "999999999999999999999"]
)
def test_a_bad_page_of_a_search_answers_400(api, zeppelins, page):
    response = api.get("/api/v1/terms/", {"search": "zeppelin", "page": page})
    assert response.status_code == 400
    assert list(messages(response)) == ["page"]


def test_a_misspelt_search_suggests_names_spelt_like_it(api, make_term):
    make_term("Zeppelin policy learning", summary="Nothing.")
    make_term("Steering", summary="Nothing.").aliases.create(name="Dirigible")
    make_term("Unrelated", summary="Nothing.")
    page = api.get("/api/v1/terms/?search=zepelin").json()
    assert (page["count"], page["results"], page["next"]) == (0, [], None)
    assert page["count_is_estimate"] is False
    assert page["suggestions"] == [
        {
            "match": "Zeppelin policy learning",
            "slug": "zeppelin-policy-learning",
            "name": "Zeppelin policy learning",
            "url": "http://testserver/api/v1/terms/zeppelin-policy-learning/",
            "permalink": "http://localhost:3000/glossary/zeppelin-policy-learning/",
        }
    ]
    page = api.get("/api/v1/terms/?search=DIRIJIBLE").json()
    assert page["suggestions"] == [
        {
            "match": "Dirigible",
            "slug": "steering",
            "name": "Steering",
            "url": "http://testserver/api/v1/terms/steering/",
            "permalink": "http://localhost:3000/glossary/steering/",
        }
    ]


def test_suggestions_come_closest_first_one_per_term(api, make_term):
    make_term("Zeppelins", summary="Nothing.").aliases.create(name="Zepelins")
    make_term("Zeppelin policy", summary="Nothing.")
    make_term("Zebra", summary="Nothing.")
    page = api.get("/api/v1/terms/?search=zepelinz").json()
    assert [(s["slug"], s["match"]) for s in page["suggestions"]] == [
        ("zeppelins", "Zepelins"),
        ("zeppelin-policy", "Zeppelin policy"),
    ]


def test_suggestions_never_name_a_draft_to_anonymous_readers(api, make_term, tool):
    make_term("Zeppelin draft", status="draft")
    assert api.get("/api/v1/terms/?search=zepelin").json()["suggestions"] == []
    suggested = tool.get("/api/v1/terms/?search=zepelin").json()["suggestions"]
    assert [s["slug"] for s in suggested] == ["zeppelin-draft"]


def test_nothing_close_suggests_nothing(api, make_term):
    make_term("Zeppelin", summary="Nothing.")
    for text in ["qqqqqq", "!!!", "日本語", "zz"]:
        page = api.get("/api/v1/terms/", {"search": text}).json()
        assert page["suggestions"] == [], text


def test_suggestions_follow_every_write(api, make_term):
    def suggested(text):
        page = api.get("/api/v1/terms/", {"search": text}).json()
        return [(s["match"], s["slug"]) for s in page["suggestions"]]

    term = make_term("Zeppelin", summary="Nothing.")
    assert suggested("zepelin") == [("Zeppelin", "zeppelin")]
    term.name = "Dirigible"
    term.save()
    assert suggested("zepelin") == []
    assert suggested("dirijible") == [("Dirigible", "zeppelin")]
    alias = term.aliases.create(name="Airship")
    assert suggested("airshipp") == [("Airship", "zeppelin")]
    alias.name = "Blimp"
    alias.save()
    assert suggested("airshipp") == []
    assert suggested("blimpp") == [("Blimp", "zeppelin")]
    alias.delete()
    assert suggested("blimpp") == []


def test_a_search_page_changes_its_etag_with_what_it_shows(api, make_term):
    """A page's validator covers its count and its suggestions, not only
    its members."""
    make_term("Zeppelin A", summary="Nothing.")
    make_term("Zeppelin B", summary="Nothing.")
    url = "/api/v1/terms/?search=zeppelin&page_size=1"
    first = api.get(url)["ETag"]
    make_term("Zeppelin C", summary="Nothing.")  # after the page: the count
    assert api.get(url)["ETag"] != first

    term = make_term("Dirigible", summary="Nothing.")
    url = "/api/v1/terms/?search=dirijible"
    first = api.get(url)
    assert first.json()["suggestions"][0]["name"] == "Dirigible"
    term.name = "Dirigible balloon"
    term.save()
    second = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second.json()["suggestions"][0]["name"] == "Dirigible balloon"
