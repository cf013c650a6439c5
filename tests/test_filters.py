"""Filtering, ordering, pagination and field selection on GET /api/v1/terms/."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from terms.models import Category, Citation, Term
from tests.problems import messages


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [term["name"] for term in response.json()["results"]]


@pytest.fixture
def glossary(make_term):
    """Five terms across categories, letters and review dates."""
    alignment = Category.objects.create(name="Alignment", slug="alignment")
    safety = Category.objects.create(name="Safety", slug="safety")
    old = date(2025, 1, 1)
    recent = timezone.localdate() - timedelta(days=3)
    return {
        "Reward model": make_term(
            "Reward model", category=alignment, last_reviewed=old
        ),
        "RLHF term": make_term("Reinforcement learning", category=alignment),
        "Guardrails": make_term("Guardrails", category=safety, last_reviewed=recent),
        "Évaluation": make_term("Évaluation", slug="evaluation"),
        "3D": make_term("3D model", slug="3d-model"),
    }


def test_category_filter(api, glossary):
    response = api.get("/api/v1/terms/?category=alignment")
    assert names(response) == ["Reinforcement learning", "Reward model"]


@pytest.mark.parametrize(
    ("letter", "expected"),
    [
        ("R", ["Reinforcement learning", "Reward model"]),
        ("E", ["Évaluation"]),
        ("0-9", ["3D model"]),
        ("Q", []),
    ],
)
def test_letter_filter_files_accents_and_digits(api, glossary, letter, expected):
    assert names(api.get(f"/api/v1/terms/?letter={letter}")) == expected


def test_review_date_filters(api, glossary):
    cutoff = timezone.localdate() - timedelta(days=30)
    assert names(api.get(f"/api/v1/terms/?reviewed_before={cutoff}")) == [
        "Reward model"
    ]
    assert names(api.get(f"/api/v1/terms/?reviewed_after={cutoff}")) == ["Guardrails"]
    assert names(api.get("/api/v1/terms/?never_reviewed=true")) == [
        "3D model",
        "Évaluation",
        "Reinforcement learning",
    ]
    assert names(api.get("/api/v1/terms/?never_reviewed=false")) == [
        "Guardrails",
        "Reward model",
    ]


def test_updated_since_filter(api, glossary):
    since = timezone.now() + timedelta(seconds=1)
    Term.objects.filter(slug="guardrails").update(
        updated_at=since + timedelta(minutes=1)
    )
    response = api.get("/api/v1/terms/", {"updated_since": since.isoformat()})
    assert names(response) == ["Guardrails"]


def test_source_and_alias_filters(api, glossary):
    reward = glossary["Reward model"]
    source = reward.citations.get().source
    Citation.objects.create(
        term=reward, source=source, role=Citation.Role.FURTHER_READING
    )
    assert names(api.get(f"/api/v1/terms/?source={source.pk}")) == ["Reward model"]
    reward.aliases.create(name="RM")
    assert names(api.get("/api/v1/terms/?alias=rm")) == ["Reward model"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("category=no-such-category", "category"),
        ("letter=AB", "letter"),
        ("letter=%C3%89", "letter"),
        ("updated_since=yesterday", "updated_since"),
        ("reviewed_before=2025-13-01", "reviewed_before"),
        ("reviewed_after=not-a-date", "reviewed_after"),
        # The contract is ISO 8601, whatever dates the admin's locale reads.
        ("reviewed_after=24/05/2026", "reviewed_after"),
        ("reviewed_before=24%20May%202026", "reviewed_before"),
        ("never_reviewed=maybe", "never_reviewed"),
        ("source=abc", "source"),
        ("source=999999", "source"),
        ("source=99999999999999999999999", "source"),
        ("ordering=title", "ordering"),
        ("ordering=name,-nope", "ordering"),
        ("page_size=0", "page_size"),
        ("page_size=101", "page_size"),
        ("page_size=ten", "page_size"),
        ("page=abc", "page"),
        ("fields=slug,nope", "fields"),
        ("fields=", "fields"),
        ("fields=definitions", "fields"),
        ("format=xml", "format"),
        ("category=a%00b", "category"),
        ("search=" + "x" * 201, "search"),
        ("colour=blue", "colour"),
        ("category=alignment&category=safety", "category"),
    ],
)
def test_bad_parameters_are_400s_naming_the_parameter(api, glossary, query, parameter):
    response = api.get(f"/api/v1/terms/?{query}")
    assert response.status_code == 400
    body = messages(response)
    assert list(body) == [parameter]
    assert body[parameter][0]


def test_a_page_past_the_end_is_a_404_naming_page(api, glossary):
    response = api.get("/api/v1/terms/?page=9")
    assert response.status_code == 404
    assert "page" in messages(response)


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("name", ["3D model", "Guardrails", "Reinforcement learning", "Reward model"]),
        ("-name", ["Reward model", "Reinforcement learning", "Guardrails", "3D model"]),
        # Never reviewed sorts as the oldest, on every database; ties by name.
        (
            "last_reviewed",
            ["3D model", "Reinforcement learning", "Reward model", "Guardrails"],
        ),
        (
            "-last_reviewed",
            ["Guardrails", "Reward model", "3D model", "Reinforcement learning"],
        ),
    ],
)
def test_ordering(api, glossary, ordering, expected):
    Term.objects.filter(slug="evaluation").delete()
    assert names(api.get(f"/api/v1/terms/?ordering={ordering}")) == expected


def test_ordering_by_updated_at(api, glossary):
    Term.objects.filter(slug="guardrails").update(
        updated_at=timezone.now() + timedelta(hours=1)
    )
    assert names(api.get("/api/v1/terms/?ordering=-updated_at"))[0] == "Guardrails"
    assert names(api.get("/api/v1/terms/?ordering=updated_at"))[-1] == "Guardrails"


def test_pagination_envelope_and_page_size(api, glossary):
    first = api.get("/api/v1/terms/?page_size=2").json()
    assert first["count"] == 5
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/terms/?page=2&page_size=2"
    second = api.get(first["next"]).json()
    third = api.get(second["next"]).json()
    seen = [t["name"] for page in (first, second, third) for t in page["results"]]
    assert len(seen) == len(set(seen)) == 5
    assert third["next"] is None


def test_list_is_compact_and_detail_is_full(api, glossary):
    listed = api.get("/api/v1/terms/").json()["results"][0]
    assert set(listed) == {
        "slug",
        "name",
        "title",
        "summary",
        "category",
        "last_reviewed",
        "updated_at",
        "url",
        "permalink",
        "version",
    }
    detail = api.get(listed["url"]).json()
    assert {"definition_html", "sources", "see_also", "aliases"} <= set(detail)


def test_fields_chooses_the_fields_of_list_and_detail(api, glossary):
    listed = api.get("/api/v1/terms/?fields=slug,name").json()["results"]
    assert listed[0] == {"slug": "3d-model", "name": "3D model"}
    detail = api.get("/api/v1/terms/guardrails/?fields=name,sources").json()
    assert set(detail) == {"name", "sources"}
    assert detail["sources"][0]["number"] == 1


@pytest.mark.parametrize("ordering", [",", "name,", ",name"])
def test_an_empty_ordering_field_is_a_400(api, glossary, ordering):
    response = api.get("/api/v1/terms/", {"ordering": ordering})
    assert response.status_code == 400
    assert list(messages(response)) == ["ordering"]
