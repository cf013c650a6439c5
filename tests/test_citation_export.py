"""A term's sources and further reading as BibTeX and CSL-JSON, for readers
who cite what the glossary cites (GET /api/v1/terms/{slug}/citations/)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pybtex.database import parse_string

from terms.models import Citation, Source
from tests.problems import messages

URL = "/api/v1/terms/ai-alignment/citations/"
BIBTEX = "application/x-bibtex"
CSL_JSON = "application/vnd.citationstyles.csl+json"


def test_bibtex_lists_every_cited_source_once_in_reading_order(api, seed):
    response = api.get(URL, {"format": "bibtex"})
    assert response.status_code == 200
    assert response["Content-Type"] == f"{BIBTEX}; charset=utf-8"
    entries = parse_string(response.content.decode(), "bibtex").entries
    # Its numbered sources, then further reading it does not also cite.
    assert list(entries) == ["bai2022constitutional", "ouyang2022instructgpt"]
    bai = entries["bai2022constitutional"]
    assert bai.fields["title"] == "Constitutional AI: Harmlessness from AI Feedback"
    assert bai.fields["year"] == "2022"
    assert bai.fields["eprint"] == "2212.08073"
    assert bai.fields["archiveprefix"] == "arXiv"
    assert bai.fields["url"] == "https://arxiv.org/abs/2212.08073"
    assert [str(p) for p in bai.persons["author"]] == ["Bai", "others"]
    assert 'filename="ai-alignment.bib"' in response["Content-Disposition"]


def test_csl_json_by_accept_header(api, seed):
    response = api.get(URL, HTTP_ACCEPT=CSL_JSON)
    assert response.status_code == 200
    assert response["Content-Type"] == CSL_JSON
    items = json.loads(response.content)
    assert [item["id"] for item in items] == [
        "bai2022constitutional",
        "ouyang2022instructgpt",
    ]
    assert items[0] == {
        "id": "bai2022constitutional",
        "type": "article",
        "title": "Constitutional AI: Harmlessness from AI Feedback",
        "author": [{"literal": "Bai et al."}],
        "issued": {"date-parts": [[2022]]},
        "publisher": "Anthropic",
        "archive": "arXiv",
        "number": "2212.08073",
        "URL": "https://arxiv.org/abs/2212.08073",
    }


def test_names_listed_in_full_are_each_an_author(api, make_term, make_source):
    source = make_source(
        title="Universal Language Model Fine-tuning",
        authors="Howard and Ruder",
        identifier="10.18653/v1/P18-1031",
        kind=Source.Kind.ARTICLE,
        publisher="ACL",
    )
    term = make_term("ULMFiT", cite=False)
    Citation.objects.create(term=term, source=source, position=1)
    url = f"/api/v1/terms/{term.slug}/citations/"
    csl = json.loads(api.get(url, {"format": "csl-json"}).content)[0]
    assert csl["author"] == [{"family": "Howard"}, {"family": "Ruder"}]
    assert csl["DOI"] == "10.18653/v1/P18-1031"
    assert csl["container-title"] == "ACL"
    entry = parse_string(api.get(url, {"format": "bibtex"}).content.decode(), "bibtex")
    entry = entry.entries[source.key]
    assert entry.type == "article"
    assert [str(p) for p in entry.persons["author"]] == ["Howard", "Ruder"]
    assert entry.fields["doi"] == "10.18653/v1/P18-1031"
    assert entry.fields["journal"] == "ACL"


def test_text_that_means_something_to_latex_reads_back_as_written(
    api, make_term, make_source
):
    title = "Rewards {sic & 100% of $5} — naïve_agents\\#1 ~ ^"
    source = make_source(title=title, url="https://example.org/a_b?x=1&y=%20")
    term = make_term("Odd", cite=False)
    Citation.objects.create(term=term, source=source, position=1)
    body = api.get(f"/api/v1/terms/{term.slug}/citations/", {"format": "bibtex"})
    assert body.status_code == 200
    entry = parse_string(body.content.decode(), "bibtex").entries[source.key]
    # Special characters are LaTeX commands, so a LaTeX run prints the title;
    # the URL stays as it is, as biblatex reads it verbatim.
    assert "\\&" in entry.fields["title"]
    assert "\\textbraceleft" in entry.fields["title"]
    assert entry.fields["url"] == "https://example.org/a_b?x=1&y=%20"


def test_a_draft_s_citations_are_not_shown(api, make_term):
    draft = make_term("Hidden", status="draft")
    response = api.get(f"/api/v1/terms/{draft.slug}/citations/", {"format": "bibtex"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("query", "status", "named"),
    [
        ({"format": "xml"}, 400, "format"),
        ({"format": "bibtex", "style": "apa"}, 400, "style"),
    ],
)
def test_bad_requests_are_refused(api, seed, query, status, named):
    response = api.get(URL, query)
    assert response.status_code == status
    if named:
        assert named in messages(response)


def test_an_unknown_accept_is_406(api, seed):
    assert api.get(URL, HTTP_ACCEPT="text/csv").status_code == 406


def test_citations_are_cacheable_and_change_with_a_source(api, seed):
    first = api.get(URL, {"format": "bibtex"})
    assert "public" in first["Cache-Control"]
    assert "term-" in first["Surrogate-Key"]
    again = api.get(URL, {"format": "bibtex"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    source = Source.objects.get(key="bai2022constitutional")
    source.title = "Constitutional AI, revised"
    source.save()
    changed = api.get(URL, {"format": "bibtex"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert "Constitutional AI, revised" in changed.content.decode()


def test_the_queries_do_not_grow_with_the_citations(api, make_term, make_source):
    def queries_for(count: int) -> int:
        term = make_term(cite=False)
        for position in range(1, count + 1):
            Citation.objects.create(term=term, source=make_source(), position=position)
        url = f"/api/v1/terms/{term.slug}/citations/?format=bibtex"
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url).status_code == 200
        return len(queries)

    assert queries_for(2) == queries_for(8)
