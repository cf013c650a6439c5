"""SQLite's full-text index (terms/search_index.py): search reads it rather
than every row, and its triggers keep it current on every write path, as
PostgreSQL's search_vector is kept."""

from contextlib import nullcontext

import pytest
from django.core.checks import run_checks
from django.db import connection
from django.test.utils import CaptureQueriesContext

from terms import search_index
from terms.generate import generate
from terms.models import Alias, Term
from terms.search import search

on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="PostgreSQL's search has its own index and plan tests",
)


def found(text) -> list[str]:
    return list(search(Term.objects.published(), text).values_list("slug", flat=True))


@on_sqlite
def test_search_reads_the_index_not_every_term(seed):
    with CaptureQueriesContext(connection) as captured:
        results = search(Term.objects.published(), "feedback")
        assert results.count() > 0
        list(results[:20])
    for query in captured.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
        assert f"{search_index.TABLE} VIRTUAL TABLE INDEX" in plan, plan
        assert "SCAN terms_term\n" not in plan + "\n", plan


def test_every_write_path_keeps_search_current(seed, make_term):
    term = make_term("Zeppelin steering", summary="Nothing.")
    assert found("zeppelin") == ["zeppelin-steering"]

    Term.objects.filter(pk=term.pk).update(summary="About airships.")  # SQL update
    assert found("airships") == ["zeppelin-steering"]

    Alias.objects.create(term=term, name="ZST")
    assert found("zst") == ["zeppelin-steering"]
    Alias.objects.filter(term=term).update(name="ZSX")
    assert found("zst") == []
    assert found("zsx") == ["zeppelin-steering"]
    Alias.objects.filter(term=term).delete()
    assert found("zsx") == []

    Term.objects.filter(pk=term.pk).update(name="Dirigible steering")
    assert found("dirigible") == ["zeppelin-steering"]
    term.delete()
    assert found("dirigible") == []


def indexed() -> list[tuple]:
    """Both tables' rows, without their rowids (term ids differ between runs)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT names, summary, definition FROM {search_index.TABLE}")
        rows = sorted(cursor.fetchall())
        cursor.execute(f"SELECT names FROM {search_index.NAMES_TABLE}")
        return rows + sorted(cursor.fetchall())


@on_sqlite
def test_the_generator_indexes_what_the_triggers_would(db, monkeypatch):
    """The generator fills the tables once at its end, with the triggers off
    meanwhile (search_index.filled_after): the same rows, and the triggers
    are back after it."""
    generate(30, seed=3)
    filled = indexed()
    with monkeypatch.context() as patched:
        patched.setattr(search_index, "filled_after", lambda *args: nullcontext())
        generate(30, seed=3, replace=True)
    assert indexed() == filled
    generate(30, seed=3, replace=True)
    term = Term.objects.published().first()
    Alias.objects.create(term=term, name="Zeppelinoid")
    assert found("zeppelinoid") == [term.slug]


def test_words_are_stemmed_and_folded(make_term):
    make_term("Évaluations croisées", slug="evaluations-croisees")
    assert found("evaluation") == ["evaluations-croisees"]
    assert found("ÉVALUATIONS") == ["evaluations-croisees"]


@on_sqlite
def test_query_syntax_in_the_text_is_only_words(seed):
    """FTS5's operators typed in a search are words, not syntax. (On
    PostgreSQL, web search syntax holds: "or", "-word", "a phrase".)"""
    assert found('feedback OR "jailbreak') == found("feedback jailbreak")
    assert found("NEAR(feedback jailbreak)") == found("near feedback jailbreak")


def test_a_sqlite_without_fts5_fails_the_checks_with_a_clear_message(
    monkeypatch, settings
):
    monkeypatch.setattr(search_index, "sqlite_has_fts5", lambda: False)
    errors = [e for e in run_checks() if e.id == "terms.E001"]
    if connection.vendor == "sqlite":
        assert len(errors) == 1
        assert "FTS5" in errors[0].msg
    else:
        assert errors == []


@on_sqlite
def test_autocomplete_reads_a_range_of_the_name_indexes(seed):
    from terms.search import suggest

    with CaptureQueriesContext(connection) as captured:
        assert suggest(Term.objects.published(), "re", 10)
    plans = []
    for query in captured.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"], [])
            plans.append("\n".join(str(row[-1]) for row in cursor.fetchall()))
    by_name, by_alias = plans
    assert "USING INDEX terms_term_order" in by_name, by_name
    assert "USING INDEX terms_alias_order" in by_alias, by_alias


def query_plans(run) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        run()
    found = []
    for query in captured.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            found.append("\n".join(str(row[-1]) for row in cursor.fetchall()))
    return found


@on_sqlite
@pytest.mark.parametrize("cap", [5, 1000])
def test_a_search_page_reads_the_index(seed, cap):
    """Its count, up to the cap, and one sorted query."""
    from terms.search import page

    def first_page():
        results = search(Term.objects.published(), "model")
        found = page(results.values_list("pk", flat=True), "model", 0, 3, cap)
        assert (len(found.rows), found.more) == (3, True)
        assert found.count_is_estimate == (cap == 5)

    count, ranked = query_plans(first_page)
    for plan in [count, ranked]:
        assert f"{search_index.TABLE} VIRTUAL TABLE INDEX" in plan, plan
        assert "SCAN terms_term\n" not in plan + "\n", plan


@on_sqlite
def test_suggestions_read_the_trigram_index(seed):
    from terms.spelling import did_you_mean

    plans = query_plans(
        lambda: assert_suggests(did_you_mean(Term.objects.published(), "alignmant"))
    )
    assert plans
    for plan in plans:
        assert f"{search_index.NAMES_TABLE} VIRTUAL TABLE INDEX" in plan, plan
        assert "SCAN terms_term\n" not in plan + "\n", plan


def assert_suggests(suggestions):
    assert suggestions
