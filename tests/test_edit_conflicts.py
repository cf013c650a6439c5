"""Two editors, one term: the second save is refused, nothing is lost."""

from terms.accounts import create_editor
from terms.models import Source

PASSWORD = "a-long-test-password"


def test_the_second_of_two_saves_is_refused_naming_who_changed_it(
    client, db, make_term, term_form
):
    term = make_term("Shared")
    alice = create_editor("alice", "", PASSWORD, reviewer=True)
    bob = create_editor("bob", "", PASSWORD, reviewer=True)
    opened_by_alice = term_form(term, definition="Alice's definition.")
    opened_by_bob = term_form(term, definition="Bob's definition.")
    url = f"/admin/terms/term/{term.pk}/change/"

    client.force_login(alice)
    assert client.post(url, opened_by_alice).status_code == 302
    client.force_login(bob)
    response = client.post(url, opened_by_bob)

    assert response.status_code == 200
    page = response.content.decode()
    assert "alice changed this term at" in page
    assert "after you opened it" in page
    term.refresh_from_db()
    assert term.definition == "Alice's definition."


def test_saving_again_after_reopening_works(editor_client, make_term, term_form):
    term = make_term("Shared")
    url = f"/admin/terms/term/{term.pk}/change/"
    assert editor_client.post(url, term_form(term, title="One")).status_code == 302
    assert editor_client.post(url, term_form(term, title="Two")).status_code == 302
    term.refresh_from_db()
    assert term.title == "Two"


def test_a_form_without_its_version_is_refused(editor_client, make_term, term_form):
    term = make_term("Shared")
    data = term_form(term, definition="Blind write.")
    del data["opened_version"]
    response = editor_client.post(f"/admin/terms/term/{term.pk}/change/", data)
    assert response.status_code == 200
    term.refresh_from_db()
    assert term.definition != "Blind write."


def source_form(source, **changes):
    source.refresh_from_db()
    return {
        "opened_version": source.updated_at.isoformat(),
        "key": source.key,
        "title": source.title,
        "authors": source.authors,
        "publisher": source.publisher,
        "year": source.year,
        "identifier": source.identifier,
        "url": source.url,
        "kind": source.kind,
        "citations-TOTAL_FORMS": 0,
        "citations-INITIAL_FORMS": 0,
    } | changes


def test_the_same_holds_for_sources(editor_client, make_source):
    source = make_source()
    first, second = source_form(source, title="First"), source_form(source, title="2nd")
    url = f"/admin/terms/source/{source.pk}/change/"
    assert editor_client.post(url, first).status_code == 302
    response = editor_client.post(url, second)
    assert response.status_code == 200
    assert "after you opened it" in response.content.decode()
    assert Source.objects.get(pk=source.pk).title == "First"
