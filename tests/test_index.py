"""GET /api/v1/index/: the whole A–Z index in one response."""

from terms.models import Term


def test_index_groups_every_published_term_by_letter(api, make_term):
    for name in ["Reward model", "RLHF", "Évaluation", "2-shot", "guardrails"]:
        make_term(name)
    make_term("Rogue draft", status=Term.Status.DRAFT)
    body = api.get("/api/v1/index/").json()
    assert body["count"] == 5
    assert [(g["letter"], g["count"]) for g in body["letters"]] == [
        ("E", 1),
        ("G", 1),
        ("R", 2),
        ("0-9", 1),
    ]
    assert [[t["name"] for t in g["terms"]] for g in body["letters"]] == [
        ["Évaluation"],
        ["guardrails"],
        ["Reward model", "RLHF"],
        ["2-shot"],
    ]
    assert body["letters"][2]["terms"][0] == {
        "name": "Reward model",
        "slug": "reward-model",
    }


def test_index_of_the_seed_lists_the_seed_term(api, seed):
    body = api.get("/api/v1/index/").json()
    a_terms = next(group for group in body["letters"] if group["letter"] == "A")
    assert {"name": "AI alignment", "slug": "ai-alignment"} in a_terms["terms"]
    assert body["count"] == Term.objects.published().count()


def test_index_takes_no_parameters(api, db):
    response = api.get("/api/v1/index/?letter=A")
    assert response.status_code == 400
    assert list(response.json()) == ["letter"]
