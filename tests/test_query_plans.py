"""Search and autocomplete use their indexes on PostgreSQL (issue 6, item 4).

The planner reads a small table whole, which is right for a small table; at a
few thousand terms a sequential scan costs what the benchmark shows at
100,000, so these check the plans at that size. SQLite's indexes (its FTS5
table, the stored folded names) are checked in tests/test_search_index.py.
`.ci/run` runs this suite on PostgreSQL too.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from terms.generate import clear, generate
from terms.models import Term
from terms.search import search, suggest

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="query plans and these indexes are PostgreSQL's",
)

TERMS = 4000


@pytest.fixture(scope="module")
def large_glossary(django_db_setup, django_db_blocker):
    """A committed synthetic glossary with fresh statistics, for this module."""
    with django_db_blocker.unblock():
        generate(TERMS, seed=6)
        names = list(Term.objects.published().values_list("name", flat=True)[:50])
        yield names
        clear()


def plans(run) -> list[str]:
    """EXPLAIN of every query `run()` sends, in order."""
    with CaptureQueriesContext(connection) as captured:
        run()
    found = []
    for query in captured.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + query["sql"])
            found.append("\n".join(row[0] for row in cursor.fetchall()))
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["a", "co", "re", "tran", "zzz"])
def test_autocomplete_reads_a_range_of_the_prefix_indexes(large_glossary, prefix):
    by_name, by_alias = plans(lambda: suggest(Term.objects.published(), prefix, 10))
    assert "terms_term_fold_prefix" in by_name, by_name
    assert "terms_alias_fold_prefix" in by_alias, by_alias
    for plan in (by_name, by_alias):
        assert "Seq Scan" not in plan, plan
        assert "Sort" not in plan, plan  # the index gives the order


@pytest.mark.django_db
@pytest.mark.parametrize("pick", [0, 17, 33])
def test_search_finds_its_rows_through_the_gin_index(large_glossary, pick):
    """Both the page and its count: a term's full name matches a few rows."""
    text = large_glossary[pick]

    def page_and_count():
        results = search(Term.objects.published(), text)
        assert results.count() >= 1
        list(results[:20])

    count, page = plans(page_and_count)
    for plan in (count, page):
        assert "terms_term_search_vector_gin" in plan, plan
        assert "Seq Scan on terms_term" not in plan, plan


@pytest.mark.django_db
def test_a_deep_list_page_and_the_count_read_the_order_index_only(large_glossary):
    """The list's default order, and its count, come from terms_term_order:
    a page far down walks the index, it does not sort the table."""
    published = Term.objects.published()
    page, count = plans(
        lambda: (
            list(published.values_list("pk", flat=True)[3000:3020]),
            published.count(),
        )
    )
    assert "Index Only Scan using terms_term_order" in page, page
    assert "Sort" not in page, page
    assert "Seq Scan" not in count, count
