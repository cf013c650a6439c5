"""GET /api/v1/terms/?search=: relevance ranking, on PostgreSQL and SQLite."""

import pytest


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
    assert list(response.json()) == ["search"]
