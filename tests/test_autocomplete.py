"""GET /api/v1/autocomplete/?q=: prefix suggestions over names and aliases."""

import pytest

from terms.models import Term
from tests.problems import messages


def suggest(api, q, **params):
    response = api.get("/api/v1/autocomplete/", {"q": q, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_suggests_names_and_aliases_by_prefix(api, seed):
    results = suggest(api, "rl")
    slug = "reinforcement-learning-from-human-feedback"
    rlhf = {
        "match": "RLHF",
        "slug": slug,
        "name": "Reinforcement learning from human feedback",
        "url": f"http://testserver/api/v1/terms/{slug}/",
        "permalink": f"http://localhost:3000/glossary/{slug}/",
    }
    assert rlhf in results
    assert all(r["match"].lower().startswith("rl") for r in results)


def test_is_case_and_accent_insensitive(api, make_term):
    make_term("Évaluation", slug="evaluation")
    assert [r["slug"] for r in suggest(api, "EVAL")] == ["evaluation"]
    assert [r["slug"] for r in suggest(api, "éva")] == ["evaluation"]


def test_returns_at_most_ten_or_the_limit(api, make_term):
    for n in range(12):
        make_term(f"Model {n:02d}")
    assert len(suggest(api, "model")) == 10
    assert [r["match"] for r in suggest(api, "model", limit=3)] == [
        "Model 00",
        "Model 01",
        "Model 02",
    ]


def test_a_term_is_suggested_once(api, make_term):
    term = make_term("Reward model")
    term.aliases.create(name="Reward modelling")
    assert len(suggest(api, "reward")) == 1


def test_drafts_are_not_suggested(api, make_term):
    make_term("Secret", status=Term.Status.DRAFT).aliases.create(name="Sec")
    assert suggest(api, "se") == []


def test_wildcards_are_literal(api, make_term):
    make_term("Model")
    assert suggest(api, "%") == []
    assert suggest(api, "_odel") == []


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("", "q"),
        ("q=", "q"),
        ("q=" + "x" * 101, "q"),
        ("q=a%00", "q"),
        ("q=a&limit=0", "limit"),
        ("q=a&limit=11", "limit"),
        ("q=a&limit=x", "limit"),
        ("q=a&page=2", "page"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(api, db, query, parameter):
    response = api.get(f"/api/v1/autocomplete/?{query}")
    assert response.status_code == 400
    assert list(messages(response)) == [parameter]
