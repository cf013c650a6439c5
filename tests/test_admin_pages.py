"""The admin's pages as an editor reads them: errors where they look, one date
format, readable labels and history, and links to the front-end."""

import re
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import Group

from terms.accounts import create_editor
from terms.models import Alias, Category, Citation, SeeAlso, Term


def change_url(term) -> str:
    return f"/admin/terms/term/{term.pk}/change/"


def history_url(term) -> str:
    return f"/admin/terms/term/{term.pk}/history/"


def before_the_first_fieldset(page: str) -> str:
    return page[: page.index("<fieldset")]


def test_a_refused_publish_says_what_is_missing_at_the_top_with_a_link(
    editor_client, make_term, term_form
):
    draft = make_term("Draft term", status=Term.Status.DRAFT, cite=False)
    response = editor_client.post(
        change_url(draft), term_form(draft, status="published")
    )
    top = before_the_first_fieldset(response.content.decode())
    assert "lacks at least one source, so it stays a draft" in top
    assert 'href="#citations-group"' in top


def test_a_valid_form_shows_no_error_summary(editor_client, make_term):
    page = editor_client.get(change_url(make_term())).content.decode()
    assert "errornote" not in page
    assert 'href="#citations-group"' not in page


def dates_on(page: str) -> set[str]:
    """Every date the page shows, in any of the formats seen in the admin."""
    patterns = [
        r"\b\d{4}-\d{2}-\d{2}\b",  # 2026-05-24
        r"\b\d{1,2}/\d{1,2}/\d{4}\b",  # 24/05/2026
        r"\b\d{1,2} [A-Z][a-z]{2,8},? \d{4}\b",  # 24 May 2026
        r"\b[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}\b",  # May 24, 2026
    ]
    found = set()
    for pattern in patterns:
        found |= {match.group() for match in re.finditer(pattern, page)}
    return found


def test_the_term_form_shows_every_date_in_one_format(editor_client, make_term):
    term = make_term(last_reviewed=date(2026, 5, 24))
    Term.objects.filter(pk=term.pk).update(
        created_at=datetime(2026, 5, 24, 9, tzinfo=UTC)
    )
    page = editor_client.get(change_url(term)).content.decode()
    # The inputs (last reviewed, a citation's accessed date) and the read-only
    # values (review due, created) all read the same way.
    shown = dates_on(page)
    assert {"24 May 2026", "02 Jan 2026", "20 Nov 2026"} <= shown
    assert all(re.fullmatch(r"\d{2} [A-Z][a-z]{2} \d{4}", d) for d in shown), shown


def test_a_date_typed_as_shown_is_read_back(editor_client, make_term, term_form):
    term = make_term()
    data = term_form(term, last_reviewed="3 Feb 2026")
    data["citations-0-accessed"] = "4 Feb 2026"
    response = editor_client.post(change_url(term), data)
    assert response.status_code == 302, response.context["errors"]
    term.refresh_from_db()
    assert term.last_reviewed == date(2026, 2, 3)
    assert term.citations.get().accessed == date(2026, 2, 4)


def test_summary_and_page_title_have_wide_inputs(editor_client, make_term):
    page = editor_client.get(change_url(make_term())).content.decode()
    for name in ("summary", "title"):
        tag = re.search(rf'<(input|textarea)[^>]*name="{name}"[^>]*>', page).group()
        assert "vLargeTextField" in tag, tag


def test_inline_rows_have_no_internal_keys(editor_client, make_term, make_source):
    term = make_term()
    source = term.citations.get().source
    target = make_term("Target")
    SeeAlso.objects.create(term=term, target=target, position=1)
    page = editor_client.get(change_url(term)).content.decode()
    assert source.key not in page.replace(f'value="{source.pk}"', "")
    assert str(term.citations.get()) == f"{term}: {source.title} (source)"


def position_inputs(page: str, prefix: str) -> dict[str, str]:
    found = re.findall(
        rf'name="{prefix}-([\w_]+)-position"[^>]*value="(\d*)"'
        rf'|value="(\d*)"[^>]*name="{prefix}-([\w_]+)-position"',
        page,
    )
    return {a or d: b or c for a, b, c, d in found}


def test_new_inline_rows_take_the_next_position(editor_client, make_term, make_source):
    term = make_term()
    Citation.objects.create(term=term, source=make_source(), position=2)
    targets = [make_term(f"Target {n}") for n in range(3)]
    for n, target in enumerate(targets, start=1):
        SeeAlso.objects.create(term=term, target=target, position=n * 2)
    page = editor_client.get(change_url(term)).content.decode()
    citations = position_inputs(page, "citations")
    assert citations["2"] == "3"  # the extra row, after 1 and 2
    assert citations["__prefix__"] == "4"  # a row added with "Add another"
    links = position_inputs(page, "see_also_links")
    assert links["3"] == "7"


def test_the_first_row_of_a_new_term_is_position_1(editor_client):
    page = editor_client.get("/admin/terms/term/add/").content.decode()
    assert position_inputs(page, "citations")["0"] == "1"


@pytest.fixture
def edited_term(make_term, editor, editor_client, term_form):
    """A term with three versions: created, renamed and given an alias by
    the editor, then its summary changed."""
    term = make_term("Alignment")
    data = term_form(term, name="AI alignment", slug="ai-alignment")
    data |= {
        "aliases-TOTAL_FORMS": 1,
        "aliases-0-name": "value alignment",
        "aliases-0-kind": Alias.Kind.SYNONYM,
    }
    assert editor_client.post(change_url(term), data).status_code == 302
    data = term_form(term, summary="Steering models to intended goals.")
    assert editor_client.post(change_url(term), data).status_code == 302
    return term


def test_the_history_page_reads_as_sentences(editor_client, edited_term):
    page = editor_client.get(history_url(edited_term)).content.decode()
    headers = re.findall(r"<th[^>]*>\s*([^<]+?)\s*</th>", page)
    assert "Last reviewed" in headers
    assert not [h for h in headers if "_" in h], headers
    assert ">None<" not in page
    assert "None</td>" not in page
    for number in (1, 2, 3):
        version = edited_term.history.order_by("history_date")[number - 1]
        link = f'href="{history_url(edited_term)}{version.history_id}/"'
        assert re.search(rf"{re.escape(link)}[^>]*>\s*Version {number}\s*<", page)
    assert "value alignment" in page
    assert "AI alignment: " not in page


def test_two_versions_compare_side_by_side(editor_client, edited_term):
    first, _, last = edited_term.history.order_by("history_date")
    page = editor_client.get(
        f"{history_url(edited_term)}compare/",
        {"from": first.history_id, "to": last.history_id},
    )
    assert page.status_code == 200
    rows = {
        label: cells
        for label, *cells in (
            [
                re.sub(r"<[^>]+>", "", cell).strip()
                for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            ]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page.content.decode(), re.S)
        )
        if cells
    }
    assert rows["Name"][:2] == ["Alignment", "AI alignment"]
    assert rows["Summary"][:2] == [
        "Summary of Alignment.",
        "Steering models to intended goals.",
    ]
    assert rows["Aliases"][:2] == ["—", "value alignment"]
    assert rows["Status"][0] == rows["Status"][1] == "published"
    changed = re.findall(
        r'<tr class="changed">\s*<th[^>]*>([^<]+)</th>', page.content.decode()
    )
    assert set(changed) == {"Name", "Slug", "Summary", "Aliases"}


def test_comparing_needs_two_versions_of_this_term(
    editor_client, edited_term, make_term
):
    other = make_term("Other")
    first = edited_term.history.last().history_id
    url = f"{history_url(edited_term)}compare/"
    foreign = other.history.first().history_id
    assert editor_client.get(url, {"from": first, "to": foreign}).status_code == 404
    assert editor_client.get(url, {"from": "x", "to": first}).status_code == 404
    response = editor_client.get(url, {"from": first}, follow=True)
    assert response.redirect_chain[-1][0] == history_url(edited_term)
    assert "Choose two versions to compare" in response.content.decode()


def test_view_site_leads_to_the_front_end(editor_client, make_term, settings):
    term = make_term()
    draft = make_term("A draft", status=Term.Status.DRAFT)
    page = editor_client.get("/admin/").content.decode()
    assert f'href="{settings.GLOSSARY_INDEX_URL}"' in page
    page = editor_client.get(change_url(term)).content.decode()
    assert f'href="{term.permalink}"' in page
    # A draft is not on the site: its page offers Preview instead.
    page = editor_client.get(change_url(draft)).content.decode()
    assert "View on site" not in page
    assert "Preview" in page


def test_editors_choose_categories_but_only_administrators_make_them(
    client, make_term, category
):
    editor = create_editor("ed", "", "a-long-test-password", reviewer=True)
    client.force_login(editor)
    page = client.get(change_url(make_term())).content.decode()
    assert 'id="add_id_category"' not in page
    assert client.get("/admin/terms/category/add/").status_code == 403
    assert client.get("/admin/terms/category/").status_code == 200
    assert not Group.objects.filter(permissions__codename="add_category").exists()
    assert Category.objects.count() == 1
