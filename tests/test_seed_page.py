"""The seed page, element by element, served from the loaded fixtures."""

import re
from pathlib import Path

import pytest

SEED = Path(__file__).parent / "data" / "ai-alignment-page.txt"


def seed_page() -> dict:
    """The seed page's elements, read from its text."""
    blocks = [b.strip() for b in SEED.read_text().split("\n\n") if b.strip()]
    headings = {"Concrete example", "See also", "Further reading", "Sources"}

    def after(heading):
        start = blocks.index(heading) + 1
        end = next(
            (i for i in range(start, len(blocks)) if blocks[i] in headings),
            len(blocks),
        )
        return [b for b in blocks[start:end] if not b.startswith("←")]

    title_at = 1  # after the "Last reviewed:" line
    return {
        "last_reviewed": blocks[0].removeprefix("Last reviewed:").strip(),
        "title": blocks[title_at],
        "definition": blocks[title_at + 1 : blocks.index("Concrete example")],
        "example": after("Concrete example"),
        "see_also": after("See also"),
        "further_reading": after("Further reading"),
        "sources": [
            re.sub(r"^\d+\.\s*", "", line.strip())
            for line in after("Sources")[0].splitlines()
        ],
    }


@pytest.fixture
def term(api, seed):
    response = api.get("/api/v1/terms/ai-alignment/")
    assert response.status_code == 200
    return response.json()


def test_title_and_name(term):
    assert term["name"] == "AI alignment"
    assert term["title"] == seed_page()["title"]


def test_last_reviewed_is_blank_as_on_the_seed(term):
    assert seed_page()["last_reviewed"] == ""
    assert term["last_reviewed"] is None


def test_definition_paragraphs(term):
    paragraphs = seed_page()["definition"]
    assert term["definition"].split("\n\n") == paragraphs
    assert term["summary"] == paragraphs[0]
    assert term["definition_html"] == "\n".join(f"<p>{p}</p>" for p in paragraphs)


def test_concrete_example(term):
    assert term["example"] == "\n\n".join(seed_page()["example"])
    assert term["example_html"].startswith("<p>Compare the same query")


def test_numbered_sources_in_the_seed_order(term):
    lines = seed_page()["sources"]
    assert [s["number"] for s in term["sources"]] == [1, 2]
    assert [s["citation"] for s in term["sources"]] == lines
    first, second = term["sources"]
    assert first | {"id": None} == {
        "number": 1,
        "id": None,
        "title": "Constitutional AI: Harmlessness from AI Feedback",
        "authors": "Bai et al.",
        "publisher": "Anthropic",
        "year": 2022,
        "identifier": "arXiv:2212.08073",
        "link": "https://arxiv.org/abs/2212.08073",
        "accessed": "2026-05-24",
        "citation": lines[0],
        "url": "https://arxiv.org/abs/2212.08073",  # deprecated: `link`
    }
    assert second["identifier"] == "arXiv:2203.02155"
    assert second["accessed"] == "2026-05-24"


def test_further_reading(term):
    (line,) = seed_page()["further_reading"]
    (entry,) = term["further_reading"]
    # The page prints the link's label, "(external resource)", after the line.
    assert f"{entry['citation']} (external resource)" == line
    assert entry["link"] == "https://arxiv.org/abs/2212.08073"


def test_see_also_targets_are_published_terms(api, term):
    for link in term["see_also"]:
        assert api.get(link["url"]).json()["name"] == link["name"]
        assert link["permalink"] == f"http://localhost:3000/glossary/{link['slug']}/"


def test_permalink_follows_the_configured_template(api, seed, settings):
    settings.GLOSSARY_TERM_URL = "https://example.org/glossary/{slug}/"
    term = api.get("/api/v1/terms/ai-alignment/").json()
    assert term["permalink"] == "https://example.org/glossary/ai-alignment/"


def test_back_to_glossary_lists_the_term(api, term):
    listing = api.get("/api/v1/terms/?page_size=100").json()
    assert "ai-alignment" in [t["slug"] for t in listing["results"]]


def test_back_to_glossary_is_one_request_for_the_seed(api, seed, term):
    """The seed's glossary is small: the index holds every term inline."""
    index = api.get("/api/v1/index/").json()
    assert index["inline"] is True
    listed = [t["slug"] for group in index["letters"] for t in group["terms"]]
    assert "ai-alignment" in listed
    assert len(listed) == index["count"]
