"""GET /api/v1/sync/: a client that applies every page in order holds exactly
the public glossary, document for document, as the endpoints serve it."""

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from terms.models import Category, Citation, SeeAlso, Source, Term
from tests.problems import messages


def sync(api, copy: dict, cursor: str | None = None, limit: int = 4) -> str:
    """Apply every page after `cursor` to `copy`; the cursor to poll with."""
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        response = api.get("/api/v1/sync/", params)
        assert response.status_code == 200, response.content
        body = response.json()
        for entry in body["results"]:
            key = (entry["kind"], entry["key"])
            if entry["deleted"]:
                copy.pop(key, None)
            else:
                copy[key] = entry["document"]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return cursor


def published(api) -> dict:
    """Every public document, read from the resources' own endpoints."""
    urls = {
        ("term", slug): f"/api/v1/terms/{slug}/"
        for slug in Term.objects.published().values_list("slug", flat=True)
    }
    urls |= {
        ("source", key): f"/api/v1/sources/{pk}/"
        for pk, key in Source.objects.values_list("pk", "key")
    }
    urls |= {
        ("category", slug): f"/api/v1/categories/{slug}/"
        for slug in Category.objects.values_list("slug", flat=True)
    }
    return {key: api.get(url).json() for key, url in urls.items()}


def test_a_first_sync_holds_every_published_document(seed, api):
    copy = {}
    sync(api, copy)
    assert copy == published(api)
    assert ("term", "ai-alignment") in copy


def test_a_later_sync_brings_changes_and_tombstones(seed, api):
    copy = {}
    cursor = sync(api, copy)
    Term.objects.filter(slug="jailbreak").update(status="draft")
    Term.objects.get(slug="hallucination").delete()
    renamed = Term.objects.get(slug="ai-alignment")
    renamed.slug = "alignment-of-ai"
    renamed.save()
    Source.objects.filter(key="bai2022constitutional").update(title="Retitled")

    entries = api.get("/api/v1/sync/", {"cursor": cursor}).json()["results"]
    tombstones = {e["key"]: e for e in entries if e["deleted"]}
    assert {"jailbreak", "hallucination", "ai-alignment"} <= tombstones.keys()
    assert tombstones["ai-alignment"]["renamed_to"] == "alignment-of-ai"
    sync(api, copy, cursor)
    assert copy == published(api)


def test_a_snapshot_is_not_done_until_it_has_the_edits_made_during_it(seed, api):
    """Pages read before an edit are stale once it commits: the snapshot's
    last page says there is more, and what follows brings the edit, so a
    client that stops at `has_more: false` holds the public glossary."""
    copy = {}
    first = api.get("/api/v1/sync/", {"limit": 2}).json()
    for entry in first["results"]:
        copy[(entry["kind"], entry["key"])] = entry["document"]
    already_read = first["results"][0]["key"]
    Term.objects.filter(slug=already_read).update(summary="Edited meanwhile.")

    sync(api, copy, first["next_cursor"])

    assert copy[("term", already_read)]["summary"] == "Edited meanwhile."
    assert copy == published(api)


def test_a_snapshot_with_no_edits_during_it_is_done_at_its_last_page(seed, api):
    pages = 0
    cursor = None
    while True:
        params = {"limit": 50} | ({"cursor": cursor} if cursor else {})
        body = api.get("/api/v1/sync/", params).json()
        pages += 1
        cursor = body["next_cursor"]
        if not body["has_more"]:
            break
    assert pages == 3  # terms, sources, categories: nothing to catch up on


def test_a_caught_up_client_gets_nothing_new(seed, api):
    cursor = sync(api, {})
    body = api.get("/api/v1/sync/", {"cursor": cursor}).json()
    assert body == {"results": [], "next_cursor": cursor, "has_more": False}


def test_drafts_never_appear(seed, api, make_term, editor):
    make_term("Secret", status=Term.Status.DRAFT)
    api.force_authenticate(editor)  # even for an editor: the feed is public
    copy = {}
    sync(api, copy)
    assert ("term", "secret") not in copy


@pytest.mark.parametrize(
    "cursor", ["nonsense", "WzEsMl0=", "WyIxIl0=", "Wy0xXQ==", "Wzk5OTk5OTld"]
)
def test_a_bad_cursor_is_a_400_naming_it(seed, api, cursor):
    response = api.get("/api/v1/sync/", {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in messages(response)


def test_the_sync_query_count_does_not_grow_with_the_page(
    seed, api, django_assert_max_num_queries
):
    call_command("build_documents", verbosity=0)  # as the load's commit does
    with django_assert_max_num_queries(14):
        api.get("/api/v1/sync/", {"limit": 100})


# A random run of edits on every write path, with a client syncing at random
# points: after a last sync its copy is exactly the public glossary.

EDITS = st.sampled_from(
    [
        "publish",
        "unpublish",
        "delete",
        "rename",
        "retitle",
        "link",
        "unlink",
        "edit_source",
        "rename_category",
        "admin_save",
        "api_patch",
        "import",
    ]
)


def edit(kind: str, n: int, clients, tmp_path):
    terms = list(Term.objects.order_by("pk"))
    if not terms:
        return
    term = terms[n % len(terms)]
    other = terms[(n * 7 + 3) % len(terms)]
    if kind == "publish":
        Term.objects.filter(pk=term.pk).update(status="published")
    elif kind == "unpublish":
        term.status = "draft"
        term.save()
    elif kind == "delete" and len(terms) > 3:
        term.delete()
    elif kind == "rename":
        term.slug = f"{term.slug[:40]}-{n}"
        term.save()
    elif kind == "retitle":
        Term.objects.filter(pk=term.pk).update(name=f"{term.name[:40]} {n}")
    elif kind == "link" and term.pk != other.pk:
        SeeAlso.objects.get_or_create(term=term, target=other)
    elif kind == "unlink":
        SeeAlso.objects.filter(term=term).delete()
    elif kind == "edit_source":
        Source.objects.filter(pk=term.citations.values("source")[:1]).update(
            title=f"Edited {n}"
        )
    elif kind == "rename_category":
        category = Category.objects.order_by("pk")[n % Category.objects.count()]
        category.name = f"Category {n}"
        category.save()
    elif kind == "admin_save":
        admin, term_form = clients["admin"], clients["term_form"]
        admin.post(
            f"/admin/terms/term/{term.pk}/change/",
            term_form(term, summary=f"Admin summary {n}.", category=term.category_id),
        )
    elif kind == "api_patch":
        clients["tool"].patch(
            f"/api/v1/terms/{term.slug}/", {"title": f"API {n}"}, format="json"
        )
    elif kind == "import":
        path = tmp_path / "edit.json"
        path.write_text(
            '[{"model": "terms.term", "fields": '
            f'{{"slug": "{term.slug}", "name": "{term.name}", '
            f'"example": "Imported {n}."}}}}]'
        )
        call_command("import_glossary", str(path), verbosity=0)


@pytest.fixture
def clients(editor_client, term_form, editor, settings):
    from rest_framework.test import APIClient

    scopes = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    rates = dict.fromkeys(scopes, "100000/minute")
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": rates
    }

    tool = APIClient()
    tool.force_authenticate(editor)
    return {"admin": editor_client, "term_form": term_form, "tool": tool}


@settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(
        st.tuples(EDITS, st.integers(0, 1000), st.booleans()), min_size=1, max_size=12
    )
)
def test_a_syncing_client_ends_with_exactly_the_public_glossary(
    seed, api, clients, tmp_path, steps
):
    copy, cursor = {}, None
    try:
        for kind, n, sync_now in steps:
            edit(kind, n, clients, tmp_path)
            if sync_now:
                cursor = sync(api, copy, cursor)
        sync(api, copy, cursor)
        assert copy == published(api)
    finally:
        # Hypothesis reruns the test in the same database transaction.
        for model in (SeeAlso, Citation):
            model.objects.all().delete()
        Term.objects.all().delete()
        call_command("loaddata", "glossary", verbosity=0)
