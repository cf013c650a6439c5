"""Cursor pagination of GET /api/v1/terms/: a walk through the whole list
(`?pagination=cursor`, then each page's `next`) that sees every term once,
in the order page numbers show, whatever the ordering and its ties."""

import base64
import json
from datetime import date, timedelta

import pytest
from django.utils import timezone
from rest_framework.utils.urls import remove_query_param

from terms.models import Term
from tests.problems import messages

ORDERINGS = [
    None,
    "name",
    "-name",
    "updated_at",
    "-updated_at",
    "last_reviewed",
    "-last_reviewed",
    "last_reviewed,-name",
    "-updated_at,last_reviewed",
]


@pytest.fixture
def glossary(make_term):
    """Terms with every kind of tie an ordering can meet: two names that
    fold alike, shared review dates, never-reviewed terms, shared times."""
    day = date(2025, 3, 1)
    reviewed = [day, day, day, day - timedelta(days=9), None, None, None]
    names = [
        "Evaluation",
        "Évaluation",
        "Alignment tax",
        "Reward model",
        "RLHF",
        "3D model",
        "Guardrails",
        "Jailbreak",
        "Red teaming",
        "Zero-shot",
        "Ablation",
    ]
    for n, name in enumerate(names):
        make_term(
            name,
            slug=f"term-{n}",
            last_reviewed=reviewed[n % len(reviewed)],
            summary="Models and feedback.",
        )
    moment = timezone.now() - timedelta(hours=1)
    Term.objects.filter(slug__in=["term-2", "term-3", "term-4", "term-5"]).update(
        updated_at=moment
    )
    make_term("Hidden draft", status=Term.Status.DRAFT)
    return names


def slugs(page: dict) -> list[str]:
    return [term["slug"] for term in page["results"]]


def walk(api, url: str) -> tuple[list[str], list[dict]]:
    """Every page from `url` on, following `next`: the slugs and the pages."""
    seen, pages = [], []
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        page = response.json()
        pages.append(page)
        seen += slugs(page)
        url = page["next"]
        assert len(pages) < 100, "the walk does not end"
    return seen, pages


def query(**params) -> str:
    pairs = "&".join(f"{k}={v}" for k, v in params.items() if v is not None)
    return f"/api/v1/terms/?{pairs}"


@pytest.mark.parametrize("ordering", ORDERINGS)
@pytest.mark.parametrize("page_size", [1, 2, 5])
def test_a_walk_sees_every_term_once_in_the_listed_order(
    api, glossary, ordering, page_size
):
    listed = slugs(api.get(query(ordering=ordering, page_size=100)).json())
    walked, pages = walk(
        api, query(pagination="cursor", ordering=ordering, page_size=page_size)
    )
    assert walked == listed
    assert len(listed) == len(glossary)
    assert pages[0]["previous"] is None
    assert pages[-1]["next"] is None
    assert all(len(page["results"]) == page_size for page in pages[:-1])


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_previous_walks_back_through_the_same_pages(api, glossary, ordering):
    _, pages = walk(api, query(pagination="cursor", ordering=ordering, page_size=3))
    back, url = [], pages[-1]["previous"]
    while url:
        page = api.get(url).json()
        back.insert(0, slugs(page))
        url = page["previous"]
    assert back == [slugs(page) for page in pages[:-1]]


def test_search_results_walk_in_their_relevance_order(api, glossary, make_term):
    make_term("Feedback loop", slug="feedback-loop", summary="Nothing.")
    listed = slugs(api.get(query(search="feedback", page_size=100)).json())
    walked, _ = walk(api, query(search="feedback", pagination="cursor", page_size=2))
    assert walked == listed
    assert listed[0] == "feedback-loop"  # found in its name: first


def test_filters_and_fields_apply_to_a_walk(api, glossary):
    walked, pages = walk(
        api, query(pagination="cursor", letter="R", fields="slug,name", page_size=1)
    )
    listed = slugs(api.get(query(letter="R")).json())
    assert walked == listed
    assert [set(t) for p in pages for t in p["results"]] == [{"slug", "name"}] * 3


def test_the_envelope_has_links_and_no_count(api, glossary):
    first = api.get(query(pagination="cursor", page_size=4)).json()
    assert list(first) == ["next", "previous", "results"]
    assert first["next"].startswith("http://testserver/api/v1/terms/?")
    assert "cursor=" in first["next"]
    assert "page_size=4" in first["next"]
    second = api.get(first["next"]).json()
    assert "cursor=" in second["previous"]
    # A cursor alone is enough: it says which kind of page it is.
    bare = remove_query_param(first["next"], "pagination")
    assert "pagination" not in bare
    assert api.get(bare).json()["results"] == second["results"]


def test_page_numbers_stay_the_default(api, glossary):
    page = api.get("/api/v1/terms/?page_size=2").json()
    assert list(page) == ["count", "pages", "next", "previous", "results"]
    assert page["next"].endswith("?page=2&page_size=2")
    explicit = api.get("/api/v1/terms/?pagination=page&page_size=2").json()
    assert explicit["results"] == page["results"]


def test_an_editor_walks_the_drafts_too(glossary, editor_client):
    walked, _ = walk(editor_client, query(pagination="cursor", page_size=4))
    assert "hidden-draft" in walked
    assert len(walked) == len(glossary) + 1


def test_a_term_published_meanwhile_is_met_where_it_sorts(api, glossary, make_term):
    first = api.get(query(pagination="cursor", page_size=3)).json()
    make_term("Zzz latecomer", slug="zzz-latecomer")
    make_term("Aaa too early", slug="aaa-too-early")  # before the cursor: missed
    rest, _ = walk(api, first["next"])
    assert "zzz-latecomer" in rest
    assert "aaa-too-early" not in rest
    assert not set(slugs(first)) & set(rest)


def encode(payload) -> str:
    raw = json.dumps(payload).encode() if not isinstance(payload, bytes) else payload
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def a_cursor(api) -> str:
    return a_cursor_of(api.get(query(pagination="cursor", page_size=2)))


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "%%%",
        encode(b"\xff\xfe"),
        encode("a string"),
        encode({"p": "x"}),
        encode({"p": [1, 2], "o": "nope"}),
        encode({"p": ["a", "b", "c", "d", "e"]}),
        encode(b"[" * 2000),  # nested past what the JSON parser recurses
    ],
)
def test_a_malformed_cursor_is_a_400_naming_it(api, glossary, cursor):
    response = api.get(f"/api/v1/terms/?cursor={cursor}")
    assert response.status_code == 400, response.content
    assert list(messages(response)) == ["cursor"]


def test_a_cursor_holding_impossible_values_is_a_400(api, glossary):
    token = json.loads(base64.urlsafe_b64decode(a_cursor(api) + "==="))
    key = token["p"]
    for bad in (
        [key[0], key[1], 2**70],  # past any id
        [key[0], key[1], "seven"],
        ["a\x00b", key[1], key[2]],  # PostgreSQL refuses NUL in text
        ["\ud800", key[1], key[2]],  # not encodable
        [None, key[1], key[2]],  # the name's order is never null
        [{"x": 1}, key[1], key[2]],
    ):
        cursor = encode(token | {"p": bad})
        response = api.get(f"/api/v1/terms/?cursor={cursor}")
        assert response.status_code == 400, (bad, response.content)
        assert list(messages(response)) == ["cursor"]


@pytest.mark.parametrize(
    ("moment", "status"),
    [
        ("0001-01-01T00:00:00+01:00", 400),  # before the year 1 in UTC
        ("9999-12-31T23:00:00-02:00", 400),  # after the year 9999 in UTC
        # An offset PostgreSQL refuses, but an instant it holds in UTC.
        ("2025-01-01T00:00:00+20:00", 200),
    ],
)
def test_a_cursor_s_time_is_compared_in_utc(api, glossary, moment, status):
    url = api.get(query(pagination="cursor", ordering="updated_at", page_size=2))
    token = json.loads(base64.urlsafe_b64decode(a_cursor_of(url) + "==="))
    cursor = encode(token | {"p": [moment, *token["p"][1:]]})
    response = api.get(f"/api/v1/terms/?ordering=updated_at&cursor={cursor}")
    assert response.status_code == status, response.content
    if status == 400:
        assert list(messages(response)) == ["cursor"]


def a_cursor_of(response) -> str:
    return response.json()["next"].split("cursor=")[1].split("&")[0]


def test_a_cursor_belongs_to_its_ordering(api, glossary):
    cursor = a_cursor(api)
    response = api.get(f"/api/v1/terms/?cursor={cursor}&ordering=-updated_at")
    assert response.status_code == 400
    assert "ordering" in messages(response)["cursor"][0]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ("pagination=cursor&page=2", "page"),
        ("cursor={cursor}&page=2", "page"),
        ("pagination=page&cursor={cursor}", "cursor"),
        ("pagination=offset", "pagination"),
        ("pagination=cursor&page_size=101", "page_size"),
        ("pagination=cursor&pagination=page", "pagination"),
    ],
)
def test_contradictory_pagination_parameters_are_400s(api, glossary, params, named):
    response = api.get("/api/v1/terms/?" + params.format(cursor=a_cursor(api)))
    assert response.status_code == 400, response.content
    assert list(messages(response)) == [named]


def test_a_cursor_page_is_cached_and_changes_with_what_it_shows(api, glossary):
    second_url = api.get(query(pagination="cursor", page_size=3)).json()["next"]
    second = api.get(second_url)
    assert second["ETag"]
    assert second["Surrogate-Key"] == "terms"
    again = api.get(second_url, HTTP_IF_NONE_MATCH=second["ETag"])
    assert again.status_code == 304
    shown = second.json()["results"][0]["slug"]
    Term.objects.filter(slug=shown).update(summary="Edited.")
    after = api.get(second_url, HTTP_IF_NONE_MATCH=second["ETag"])
    assert after.status_code == 200
    assert after.json()["results"][0]["summary"] == "Edited."


def test_the_last_page_changes_when_a_term_is_added_after_it(api, glossary, make_term):
    """Same members, but now a page follows: its validator changes too."""
    url = query(pagination="cursor", page_size=len(glossary))
    last = api.get(url)
    assert last.json()["next"] is None
    make_term("Zzzz the very last", slug="zzzz")
    response = api.get(url, HTTP_IF_NONE_MATCH=last["ETag"])
    assert response.status_code == 200
    assert response.json()["results"] == last.json()["results"]
    assert response.json()["next"] is not None
