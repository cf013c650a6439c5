"""Restoring a term's earlier version: nothing lost, nothing forged."""

import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from terms.accounts import create_editor
from terms.generate import generate
from terms.models import Alias, Category, Citation, SeeAlso, Source, Term

PASSWORD = "a-long-test-password"
CONTENT = [Category, Source, Term, Alias, Citation, SeeAlso]


@pytest.fixture
def login(client):
    def as_role(role: str, name: str | None = None):
        reviewer = role == "Reviewers"
        user = create_editor(name or role.lower(), "", PASSWORD, reviewer=reviewer)
        client.force_login(user)
        return client

    return as_role


def without_history(model) -> int:
    """How many of the model's rows have no history version at all."""
    recorded = model.history.values("id")
    return model.objects.exclude(pk__in=recorded).count()


def test_fixture_content_has_a_first_history_version(seed):
    for model in CONTENT:
        assert model.objects.exists()
        assert without_history(model) == 0, model


def test_loading_the_fixtures_twice_adds_no_history(seed):
    before = {model: model.history.count() for model in CONTENT}
    call_command("loaddata", "glossary", verbosity=0)
    assert {model: model.history.count() for model in CONTENT} == before


def test_generated_content_has_a_first_history_version(db):
    generate(30, seed=3)
    for model in CONTENT:
        assert without_history(model) == 0, model


def seed_term():
    return Term.objects.get(slug="ai-alignment")


def related(term) -> dict[str, list]:
    return {
        "aliases": sorted(term.aliases.values_list("name", flat=True)),
        "citations": sorted(term.citations.values_list("source__key", "role")),
        "see_also": list(term.see_also_links.values_list("target__slug", flat=True)),
    }


def revert(client, term, version_id, term_form, **changes):
    url = f"/admin/terms/term/{term.pk}/history/{version_id}/"
    version = term.history.get(history_id=version_id)
    fields = {
        name: getattr(version, name)
        for name in ("name", "slug", "title", "summary", "definition", "example")
    }
    data = term_form(term, **fields) | {"status": version.status} | changes
    return client.post(url, data)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reverting_the_seed_term_keeps_its_sources_and_links(seed, login, term_form):
    """The issue's reproduction, outside a test transaction as in production
    (PostgreSQL answered 500 there)."""
    client = login("Reviewers")
    term = seed_term()
    before = related(term)
    assert before["citations"]
    assert before["see_also"]
    url = f"/admin/terms/term/{term.pk}/change/"
    assert client.post(url, term_form(term, title="A new title")).status_code == 302
    oldest = term.history.last()

    response = revert(client, term, oldest.history_id, term_form)

    assert response.status_code == 302
    term = seed_term()
    assert term.title == oldest.title != "A new title"
    assert related(term) == before
    assert term.status == Term.Status.PUBLISHED


def test_a_restore_keeps_rows_whose_history_is_unknown(
    login, make_term, make_source, term_form
):
    """Rows written without history (a bulk write from before history was
    kept) cannot be put back if a restore removes them, so it keeps them."""
    client = login("Reviewers")
    term = make_term("Tracked")
    version = term.history.first().history_id
    Citation.objects.bulk_create(
        [Citation(term=term, source=make_source(), position=2)]
    )
    Alias.objects.bulk_create([Alias(term=term, name="TRK")])
    before = related(term)

    assert revert(client, term, version, term_form).status_code == 302

    assert related(term) == before


def test_a_restore_removes_what_was_added_after_the_version(
    login, make_term, make_source, term_form
):
    client = login("Reviewers")
    term = make_term("Tracked")
    version = term.history.first().history_id
    before = related(term)
    url = f"/admin/terms/term/{term.pk}/change/"
    added = term_form(term) | {
        "aliases-TOTAL_FORMS": 1,
        "aliases-0-name": "LATER",
        "aliases-0-kind": "synonym",
    }
    assert client.post(url, added).status_code == 302
    assert related(term) != before

    assert revert(client, term, version, term_form).status_code == 302

    assert related(term) == before


def test_a_restore_that_would_publish_without_sources_is_refused(
    login, make_term, make_source, term_form
):
    client = login("Reviewers")
    term = make_term("Tracked")
    first = term.citations.get()
    version = term.history.first().history_id
    url = f"/admin/terms/term/{term.pk}/change/"
    other = make_source()
    data = term_form(term) | {
        "citations-0-source": other.pk,
    }
    assert client.post(url, data).status_code == 302
    first.source.delete()  # no longer cited, so it may go

    response = revert(client, term, version, term_form)

    assert response.status_code == 200
    assert "at least one source" in response.content.decode()
    term = Term.objects.get(pk=term.pk)
    assert list(term.citations.values_list("source", flat=True)) == [other.pk]


def test_an_editors_restore_cannot_republish_a_term(login, make_term, term_form):
    """Publishing is a reviewer's right: an editor restoring a published
    version of a term a reviewer unpublished leaves it a draft."""
    term = make_term("Tracked")
    published = term.history.first().history_id
    term.status = Term.Status.DRAFT
    term.save()
    client = login("Editors")

    response = revert(client, term, published, term_form, status="published")

    assert response.status_code in (200, 302)
    assert Term.objects.get(pk=term.pk).status == Term.Status.DRAFT


def test_an_editors_restore_cannot_forge_a_review(login, make_term, term_form):
    term = make_term("Tracked")
    old = term.history.first().history_id
    Term.objects.filter(pk=term.pk).update(last_reviewed=timezone.localdate())
    term.refresh_from_db()
    client = login("Editors")

    revert(client, term, old, term_form)

    assert Term.objects.get(pk=term.pk).last_reviewed == timezone.localdate()


def test_the_revert_page_shows_what_will_come_back(seed, login, term_form):
    client = login("Reviewers")
    term = seed_term()
    version = term.history.last()
    page = client.get(
        f"/admin/terms/term/{term.pk}/history/{version.history_id}/"
    ).content.decode()
    for citation in term.citations.select_related("source"):
        assert citation.source.title in page
    for link in term.see_also_links.select_related("target"):
        assert link.target.name in page
    for alias in term.aliases.all():
        assert alias.name in page


def test_a_restore_of_swapped_aliases_does_not_clash(login, make_term, term_form):
    client = login("Reviewers")
    term = make_term("Tracked")
    Alias.objects.create(term=term, name="A")
    Alias.objects.create(term=term, name="B")
    term.touch()
    version = term.history.first().history_id
    a, b = term.aliases.get(name="A"), term.aliases.get(name="B")
    term.touch()  # the next version, before its rows change (as the admin does)
    for alias, name in ((a, "tmp"), (b, "A"), (a, "B")):
        alias.name = name
        alias.save()

    assert revert(client, term, version, term_form).status_code == 302

    assert dict(term.aliases.values_list("pk", "name")) == {a.pk: "A", b.pk: "B"}


def test_a_restore_leaves_a_row_that_moved_to_another_term(login, make_term, term_form):
    client = login("Reviewers")
    term, other = make_term("Tracked"), make_term("Other")
    version = term.history.first().history_id
    citation = term.citations.get()
    citation.term = other
    citation.save()
    term.touch()

    assert revert(client, term, version, term_form).status_code in (200, 302)

    assert other.citations.filter(pk=citation.pk).exists()


def test_a_version_that_is_not_a_number_is_a_404(login, make_term):
    client = login("Reviewers")
    term = make_term("Tracked")
    assert client.get(f"/admin/terms/term/{term.pk}/history/abc/").status_code == 404


@pytest.mark.parametrize("load", ["import_glossary", "loaddata"])
def test_rows_loaded_alone_can_be_reverted(seed, login, term_form, tmp_path, load):
    """An import or a fixture that adds only an alias gives its term a new
    version, so the version before it restores the term without it."""
    client = login("Reviewers")
    term = seed_term()
    before = related(term)
    version = term.history.first().history_id
    path = tmp_path / "alias.json"
    alias = {"name": "Wrong", "term": ["ai-alignment"], "kind": "synonym"}
    path.write_text(json.dumps([{"model": "terms.alias", "fields": alias}]))
    call_command(load, str(path), verbosity=0)
    assert "Wrong" in related(term)["aliases"]

    assert revert(client, term, version, term_form).status_code == 302

    assert related(term) == before
