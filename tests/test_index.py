"""GET /api/v1/index/: the A–Z index, whole in one response for a small
glossary, its letters and their counts for a large one; and
GET /api/v1/index/{letter}/, one letter's terms, paged."""

import pytest
from django.core.cache import caches
from django.utils.text import slugify

from terms.models import Term
from tests.problems import messages


def test_index_groups_every_published_term_by_letter(api, make_term):
    for name in ["Reward model", "RLHF", "Évaluation", "2-shot", "guardrails"]:
        make_term(name, slug=slugify(name))
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
        "url": "http://testserver/api/v1/terms/reward-model/",
        "permalink": "http://localhost:3000/glossary/reward-model/",
    }


def test_index_of_the_seed_lists_the_seed_term(api, seed):
    body = api.get("/api/v1/index/").json()
    a_terms = next(group for group in body["letters"] if group["letter"] == "A")
    assert {
        "name": "AI alignment",
        "slug": "ai-alignment",
        "url": "http://testserver/api/v1/terms/ai-alignment/",
        "permalink": "http://localhost:3000/glossary/ai-alignment/",
    } in a_terms["terms"]
    assert body["count"] == Term.objects.published().count()


def test_index_takes_no_parameters(api, db):
    response = api.get("/api/v1/index/?letter=A")
    assert response.status_code == 400
    assert list(messages(response)) == ["letter"]


def test_each_letter_links_to_its_own_page(api, make_term):
    for name in ["Reward model", "RLHF", "Évaluation", "2-shot"]:
        make_term(name, slug=slugify(name))
    body = api.get("/api/v1/index/").json()
    assert body["inline"] is True
    for group in body["letters"]:
        page = api.get(group["url"]).json()
        assert page["letter"] == group["letter"]
        assert page["count"] == group["count"]
        assert page["terms"] == group["terms"]
    assert body["letters"][-1]["url"] == "http://testserver/api/v1/index/0-9/"


def test_above_the_inline_maximum_the_index_has_letters_and_counts_only(
    api, make_term, settings
):
    settings.GLOSSARY_INDEX_INLINE_MAX = 3
    for name in ["Reward model", "RLHF", "Évaluation", "2-shot"]:
        make_term(name, slug=slugify(name))
    body = api.get("/api/v1/index/").json()
    assert body == {
        "count": 4,
        "inline": False,
        "letters": [
            {"letter": "E", "count": 1, "url": "http://testserver/api/v1/index/E/"},
            {"letter": "R", "count": 2, "url": "http://testserver/api/v1/index/R/"},
            {"letter": "0-9", "count": 1, "url": "http://testserver/api/v1/index/0-9/"},
        ],
    }
    settings.GLOSSARY_INDEX_INLINE_MAX = 4
    caches["responses"].clear()  # kept responses outlive a setting, not an edit
    assert api.get("/api/v1/index/").json()["inline"] is True


def test_a_letter_page_lists_its_terms_in_the_index_order(api, make_term):
    for name in ["Reward model", "RLHF", "reinforcement", "Guardrails"]:
        make_term(name)
    make_term("Ｒobust", slug="robust")
    make_term("Rogue draft", status=Term.Status.DRAFT)
    body = api.get("/api/v1/index/R/").json()
    assert body == {
        "letter": "R",
        "count": 4,
        "pages": 1,
        "next": None,
        "previous": None,
        "terms": body["terms"],
    }
    assert [(t["name"], t["slug"]) for t in body["terms"]] == [
        ("reinforcement", "reinforcement"),
        ("Reward model", "reward-model"),
        ("RLHF", "rlhf"),
        ("Ｒobust", "robust"),
    ]
    assert body["terms"][-1]["url"] == "http://testserver/api/v1/terms/robust/"


def test_the_letter_filter_of_the_list_agrees_with_the_letter_pages(api, make_term):
    for name in ["Évaluation", "Ｅxotic", "ǅemo", "ıdle", "Œuvre", "2-shot", "-e"]:
        make_term(name, slug=f"s{len(name)}-{ord(name[0])}")
    for letter in ["E", "D", "I", "O", "0-9"]:
        page = api.get(f"/api/v1/index/{letter}/").json()["terms"]
        listed = api.get(f"/api/v1/terms/?letter={letter}").json()["results"]
        assert [t["slug"] for t in page] == [t["slug"] for t in listed], letter


def test_a_large_letter_comes_in_pages(api, make_term):
    names = [f"Safety case {n:02d}" for n in range(7)]
    for name in names:
        make_term(name)
    first = api.get("/api/v1/index/S/?page_size=3").json()
    assert first["count"] == 7
    assert first["next"] == "http://testserver/api/v1/index/S/?page=2&page_size=3"
    seen, url = [], "/api/v1/index/S/?page_size=3"
    while url:
        page = api.get(url).json()
        seen += [term["name"] for term in page["terms"]]
        url = page["next"]
    assert seen == names
    walked, url = [], "/api/v1/index/S/?page_size=2&pagination=cursor"
    while url:
        page = api.get(url).json()
        assert page["count"] == 7
        walked += [term["name"] for term in page["terms"]]
        url = page["next"]
    assert walked == names


def test_a_letter_without_terms_is_an_empty_page(api, db):
    body = api.get("/api/v1/index/Q/").json()
    assert body == {
        "letter": "Q",
        "count": 0,
        "pages": 1,
        "next": None,
        "previous": None,
        "terms": [],
    }


@pytest.mark.parametrize("letter", ["q", "AB", "09", "É", "%20"])
def test_a_letter_the_index_does_not_have_is_a_404(api, db, letter):
    response = api.get(f"/api/v1/index/{letter}/")
    assert response.status_code == 404
    assert "A–Z" in response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "named"),
    [("letter=A", "letter"), ("page=0", "page"), ("page_size=1001", "page_size")],
)
def test_a_letter_page_refuses_unknown_and_bad_parameters(api, db, query, named):
    response = api.get(f"/api/v1/index/A/?{query}")
    assert response.status_code == 400
    assert list(messages(response)) == [named]


def test_an_editor_sees_drafts_on_a_letter_page(api, make_term, editor_client):
    make_term("Rogue draft", status=Term.Status.DRAFT)
    assert api.get("/api/v1/index/R/").json()["count"] == 0
    assert editor_client.get("/api/v1/index/R/").json()["count"] == 1
