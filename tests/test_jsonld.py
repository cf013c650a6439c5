from datetime import date, datetime

from terms.models import Term
from tests.problems import messages

JSONLD = "application/ld+json"
SEED_TERM = "/api/v1/terms/ai-alignment/"


def get_jsonld(api, url):
    response = api.get(url, HTTP_ACCEPT=JSONLD)
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == JSONLD
    return response


def test_a_term_is_a_schema_org_web_page_about_a_defined_term(api, seed):
    term = api.get(SEED_TERM).json()
    page = get_jsonld(api, SEED_TERM).json()
    assert page["@context"] == "https://schema.org"
    assert page["@type"] == "WebPage"
    assert datetime.fromisoformat(page["dateModified"]) == datetime.fromisoformat(
        term["updated_at"]
    )
    assert "lastReviewed" not in page
    entity = page["mainEntity"]
    assert entity["@type"] == "DefinedTerm"
    assert entity["name"] == "AI alignment"
    assert entity["description"] == term["summary"]
    assert entity["url"] == term["permalink"]
    assert entity["inDefinedTermSet"]["@type"] == "DefinedTermSet"


def test_a_terms_numbered_sources_are_its_citations_in_order(api, seed):
    term = api.get(SEED_TERM).json()
    citations = get_jsonld(api, SEED_TERM).json()["citation"]
    assert [work["name"] for work in citations] == [
        source["title"] for source in term["sources"]
    ]
    assert [work["identifier"] for work in citations] == [
        "arXiv:2212.08073",
        "arXiv:2203.02155",
    ]


def test_format_jsonld_returns_the_same_document_as_the_accept_header(api, seed):
    by_header = get_jsonld(api, SEED_TERM).json()
    response = api.get(f"{SEED_TERM}?format=jsonld")
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == JSONLD
    assert response.json() == by_header


def test_aliases_are_alternate_names(api, make_term):
    term = make_term("Reward model")
    term.aliases.create(name="RM")
    page = get_jsonld(api, "/api/v1/terms/reward-model/").json()
    assert page["mainEntity"]["alternateName"] == ["RM"]


def test_a_reviewed_term_says_when_it_was_last_reviewed(api, make_term):
    make_term("Reward model")
    Term.objects.filter(slug="reward-model").update(last_reviewed=date(2026, 1, 5))
    page = get_jsonld(api, "/api/v1/terms/reward-model/").json()
    assert page["lastReviewed"] == "2026-01-05"


def test_json_ld_and_json_of_a_term_have_different_etags(api, seed):
    as_json = api.get(SEED_TERM)
    as_jsonld = get_jsonld(api, SEED_TERM)
    assert as_json.status_code == 200
    assert as_json["ETag"]
    assert as_jsonld["ETag"]
    assert as_json["ETag"] != as_jsonld["ETag"]


def test_a_cdn_keeps_the_json_and_json_ld_of_a_term_apart(api, seed):
    response = get_jsonld(api, SEED_TERM)
    varies_on = {name.strip().lower() for name in response["Vary"].split(",")}
    assert "accept" in varies_on


def test_a_json_etag_does_not_revalidate_the_json_ld_document(api, seed):
    etag = api.get(SEED_TERM)["ETag"]
    response = api.get(SEED_TERM, HTTP_ACCEPT=JSONLD, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["@type"] == "WebPage"


def test_the_term_list_is_not_served_as_json_ld(api, seed):
    assert api.get("/api/v1/terms/", HTTP_ACCEPT=JSONLD).status_code == 406


def test_format_jsonld_on_the_term_list_is_a_400_naming_format(api, seed):
    response = api.get("/api/v1/terms/?format=jsonld")
    assert response.status_code == 400
    assert "format" in messages(response)
