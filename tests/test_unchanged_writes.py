"""A write that changes no value changes no validator: caches stay warm."""

from django.core.management import call_command

from terms.models import Term

READS = ["/api/v1/terms/ai-alignment/", "/api/v1/terms/", "/api/v1/index/"]


def etags(api) -> list[str]:
    return [api.get(url)["ETag"] for url in READS]


def test_loading_the_fixtures_again_changes_no_validator(seed, api):
    before = etags(api)
    call_command("loaddata", "glossary", verbosity=0)
    assert etags(api) == before
    response = api.get(READS[0], HTTP_IF_NONE_MATCH=before[0])
    assert response.status_code == 304


def test_loading_a_changed_fixture_changes_validators(seed, api, tmp_path):
    before = etags(api)
    term = Term.objects.get(slug="ai-alignment")
    term.title = "Changed by hand"
    term.save()
    call_command("loaddata", "glossary", verbosity=0)
    assert Term.objects.get(slug="ai-alignment").title != "Changed by hand"
    assert etags(api) != before


def test_an_api_write_of_the_same_values_changes_no_validator(seed, api, tool):
    url = READS[0]
    body = tool.get(url).json()
    same = {
        "title": body["title"],
        "aliases": [{"name": a["name"], "kind": a["kind"]} for a in body["aliases"]],
        "see_also": [link["slug"] for link in body["see_also"]],
    }
    before = etags(api)
    updated = Term.objects.get(slug="ai-alignment").updated_at

    response = tool.patch(url, same, format="json")

    assert response.status_code == 200, response.json()
    assert etags(api) == before
    assert Term.objects.get(slug="ai-alignment").updated_at == updated


def test_an_api_write_of_a_changed_list_changes_the_validator(seed, api, tool):
    url = READS[0]
    before = etags(api)
    response = tool.patch(url, {"see_also": []}, format="json")
    assert response.status_code == 200, response.json()
    assert etags(api)[0] != before[0]


def test_an_admin_save_without_changes_changes_no_validator(
    seed, api, editor_client, term_form
):
    term = Term.objects.get(slug="ai-alignment")
    before = etags(api)
    versions = term.history.count()
    url = f"/admin/terms/term/{term.pk}/change/"
    data = term_form(term, category=term.category_id)
    assert editor_client.post(url, data).status_code == 302
    assert etags(api) == before
    assert term.history.count() == versions


def test_a_save_in_code_without_changes_changes_no_validator(seed, api):
    before = etags(api)
    for term in Term.objects.all():
        term.save()
    assert etags(api) == before


def test_a_browser_save_without_changes_changes_no_validator(
    seed, api, editor_client, term_form
):
    """Browsers post a textarea's lines with CRLF (the HTML standard says
    so): the same text, not a change."""
    term = Term.objects.get(slug="ai-alignment")
    assert "\n" in term.definition
    before = etags(api)
    versions = term.history.count()
    data = term_form(term, category=term.category_id)
    for field in ("summary", "definition", "example"):
        data[field] = data[field].replace("\n", "\r\n")
    url = f"/admin/terms/term/{term.pk}/change/"
    assert editor_client.post(url, data).status_code == 302
    assert etags(api) == before
    assert term.history.count() == versions
    assert "\r" not in Term.objects.get(pk=term.pk).definition


def test_text_keeps_one_kind_of_line_end_whatever_sent_it(seed, tool):
    url = "/api/v1/terms/ai-alignment/"
    response = tool.patch(
        url, {"example": "One line.\r\nAnother.\rA third."}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert Term.objects.get(slug="ai-alignment").example == (
        "One line.\nAnother.\nA third."
    )
