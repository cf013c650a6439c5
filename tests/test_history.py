"""Revision history: who changed what and when, and restoring a version."""

from terms.models import Alias, Term


def test_every_admin_save_is_recorded_with_its_author(
    editor_client, editor, make_term, term_form
):
    term = make_term("Tracked")
    url = f"/admin/terms/term/{term.pk}/change/"
    data = term_form(term, definition="Second version.") | {
        "aliases-TOTAL_FORMS": 1,
        "aliases-0-name": "TRK",
        "aliases-0-kind": "abbreviation",
    }
    assert editor_client.post(url, data).status_code == 302
    latest = term.history.first()
    assert latest.history_user == editor
    assert latest.definition == "Second version."
    alias_record = Alias.history.get(name="TRK")
    assert alias_record.history_user == editor
    assert alias_record.history_type == "+"


def test_the_history_page_shows_what_changed(editor_client, make_term, term_form):
    term = make_term("Tracked")
    url = f"/admin/terms/term/{term.pk}/change/"
    editor_client.post(url, term_form(term, definition="New text."))
    page = editor_client.get(f"/admin/terms/term/{term.pk}/history/").content.decode()
    assert "definition" in page.lower()
    assert "Aliases, citations and see-also links" in page


def test_restoring_a_version_brings_back_its_fields_and_aliases(
    editor_client, make_term, term_form
):
    term = make_term("Tracked", definition="Original text.")
    url = f"/admin/terms/term/{term.pk}/change/"
    with_alias = term_form(term) | {
        "aliases-TOTAL_FORMS": 1,
        "aliases-0-name": "OLD",
        "aliases-0-kind": "synonym",
    }
    assert editor_client.post(url, with_alias).status_code == 302
    good_version = term.history.first().history_id
    alias = term.aliases.get()
    changed = term_form(term, definition="Vandalised.") | {
        "aliases-TOTAL_FORMS": 1,
        "aliases-INITIAL_FORMS": 1,
        "aliases-0-id": alias.pk,
        "aliases-0-term": term.pk,
        "aliases-0-name": "OLD",
        "aliases-0-kind": "synonym",
        "aliases-0-DELETE": "on",
    }
    assert editor_client.post(url, changed).status_code == 302
    assert not term.aliases.exists()

    restore_url = f"/admin/terms/term/{term.pk}/history/{good_version}/"
    restore = term_form(term, definition="Original text.")
    response = editor_client.post(restore_url, restore)
    assert response.status_code == 302
    term = Term.objects.get(pk=term.pk)
    assert term.definition == "Original text."
    assert list(term.aliases.values_list("name", flat=True)) == ["OLD"]
    assert term.citations.count() == 1
