"""The change log records, for every committed write on every path, which
public resources' representations changed (terms/changes)."""

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from terms.accounts import create_editor
from terms.models import Alias, Change, SeeAlso, Source, Term


def changes_during(action) -> set[tuple]:
    """(kind, key, tombstone, renamed to) of what `action` logged."""
    after = Change.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    action()
    rows = Change.objects.filter(seq__gt=after)
    return set(rows.values_list("kind", "key", "deleted", "renamed_to"))


def upsert(kind, key):
    return (kind, key, False, "")


def tombstone(kind, key, renamed_to=""):
    return (kind, key, True, renamed_to)


@pytest.fixture
def glossary(make_term, link, category):
    """A published term linking to another, both citing sources."""
    target = make_term("Target", category=category)
    linker = make_term("Linker")
    link(linker, target)
    draft = make_term("Draft", status=Term.Status.DRAFT)
    return {"target": target, "linker": linker, "draft": draft}


def test_creating_a_published_term_logs_it_and_its_category(db, category):
    logged = changes_during(
        lambda: Term.objects.create(
            name="New", slug="new", status="published", category=category
        )
    )
    assert logged == {upsert("term", "new"), upsert("category", "alignment")}


def test_a_draft_edit_logs_only_a_draft_edit(glossary):
    draft = glossary["draft"]
    draft.definition = "Changed."
    assert changes_during(draft.save) == {upsert("edit", "draft")}
    created = changes_during(lambda: Alias.objects.create(term=draft, name="D"))
    assert created == {upsert("edit", "draft")}


def test_an_edit_logs_the_term_and_what_shows_it(glossary):
    target = glossary["target"]
    source = target.citations.get().source
    target.name = "Target renamed"
    logged = changes_during(target.save)
    assert logged == {
        upsert("term", "target"),
        upsert("term", "linker"),  # its see-also shows the name
        upsert("source", source.key),  # it lists its citing terms
    }


def test_a_definition_edit_logs_only_the_term(glossary):
    target = glossary["target"]
    target.definition = "Another definition."
    assert changes_during(target.save) == {upsert("term", "target")}


def test_a_queryset_update_is_logged(glossary):
    logged = changes_during(
        lambda: Term.objects.filter(slug="target").update(summary="New summary.")
    )
    assert upsert("term", "target") in logged
    assert upsert("term", "linker") in logged


def test_unpublishing_is_a_tombstone(glossary):
    logged = changes_during(
        lambda: Term.objects.filter(slug="target").update(status="draft")
    )
    assert tombstone("term", "target") in logged
    assert upsert("term", "linker") in logged  # its see-also loses the link
    assert upsert("category", "alignment") in logged  # one term fewer


def test_a_rename_is_a_tombstone_naming_the_new_slug(glossary):
    target = glossary["target"]
    target.slug = "target-2"
    logged = changes_during(target.save)
    assert tombstone("term", "target", renamed_to="target-2") in logged
    assert upsert("term", "target-2") in logged


def test_deleting_is_a_tombstone(glossary):
    logged = changes_during(glossary["target"].delete)
    assert tombstone("term", "target") in logged
    assert upsert("term", "linker") in logged


@pytest.mark.parametrize(
    "write",
    [
        lambda t: Alias.objects.create(term=t, name="Alias"),
        lambda t: t.citations.update(position=9),
        lambda t: SeeAlso.objects.filter(term=t).delete(),
    ],
    ids=["alias", "citation", "see-also"],
)
def test_a_terms_rows_log_the_term(glossary, write):
    assert upsert("term", "linker") in changes_during(lambda: write(glossary["linker"]))


def test_a_link_to_a_draft_logs_only_a_draft_edit(glossary, link):
    logged = changes_during(lambda: link(glossary["linker"], glossary["draft"]))
    assert logged == {upsert("edit", "linker")}


def test_a_source_edit_logs_the_source_and_its_citing_terms(glossary):
    source = glossary["target"].citations.get().source
    logged = changes_during(
        lambda: Source.objects.filter(pk=source.pk).update(title="New title")
    )
    assert logged == {upsert("source", source.key), upsert("term", "target")}


def test_a_category_rename_logs_its_terms(glossary, category):
    category.slug = "aligning"
    logged = changes_during(category.save)
    assert tombstone("category", "alignment", renamed_to="aligning") in logged
    assert upsert("category", "aligning") in logged
    assert upsert("term", "target") in logged


def test_loaddata_and_import_are_logged(db, tmp_path):
    logged = changes_during(lambda: call_command("loaddata", "glossary", verbosity=0))
    assert upsert("term", "ai-alignment") in logged
    assert upsert("source", "bai2022constitutional") in logged
    assert (
        changes_during(lambda: call_command("loaddata", "glossary", verbosity=0))
        == set()
    )


def test_an_api_write_and_an_admin_save_are_logged(glossary, editor_client, term_form):
    user = create_editor("tool", "", "a-long-test-password", reviewer=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user)}")
    logged = changes_during(
        lambda: client.patch("/api/v1/terms/target/", {"title": "T"}, format="json")
    )
    assert logged == {upsert("term", "target")}
    term = glossary["linker"]
    url = f"/admin/terms/term/{term.pk}/change/"
    logged = changes_during(
        lambda: editor_client.post(url, term_form(term, definition="Admin."))
    )
    assert logged == {upsert("term", "linker")}


def test_sequence_numbers_only_grow(glossary):
    seqs = list(Change.objects.values_list("seq", flat=True))
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == len(seqs)
    assert seqs


def test_a_source_key_change_is_a_rename_tombstone(glossary):
    source = glossary["target"].citations.get().source
    old = source.key
    source.key = "renamed-key"
    logged = changes_during(source.save)
    assert tombstone("source", old, renamed_to="renamed-key") in logged
    assert upsert("source", "renamed-key") in logged


def test_every_column_a_term_document_shows_is_watched(glossary):
    logged = changes_during(
        lambda: Term.objects.filter(slug="target").update(review_interval_days=7)
    )
    assert upsert("term", "target") in logged


def test_the_triggers_watch_every_column_the_documents_show():
    """The triggers' column lists are SQL; this ties them to the documents,
    so a field added to a serializer is not silently missed by the feed."""
    from terms.api.serializers import (
        CategorySerializer,
        SourceSerializer,
        TermDetailSerializer,
    )
    from terms.changes import triggers
    from terms.models import Category

    for serializer, model, watched in [
        (TermDetailSerializer, Term, triggers.TERM_COLUMNS),
        (SourceSerializer, Source, triggers.SOURCE_COLUMNS),
        (CategorySerializer, Category, triggers.CATEGORY_COLUMNS),
    ]:
        columns = {f.name: f.attname for f in model._meta.concrete_fields}
        shown = {columns[name] for name in serializer.Meta.fields if name in columns}
        # A term's review state derives from these; ids never change.
        shown |= {"review_interval_days", "last_reviewed", "created_at"} & set(watched)
        assert shown - {"id"} <= set(watched), serializer.__name__
