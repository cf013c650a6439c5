"""Search and autocomplete use their indexes on PostgreSQL (issue 6, item 4;
issue 12, item 2: a search's page and count stop at what they need).

The planner reads a small table whole, which is right for a small table; at a
few thousand terms a sequential scan costs what the benchmark shows at
100,000, so these check the plans at that size. SQLite's indexes (its FTS5
table, the stored folded names) are checked in tests/test_search_index.py.
`.ci/run` runs this suite on PostgreSQL too.
"""

import re

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.test.utils import CaptureQueriesContext

from terms.generate import clear, generate
from terms.models import Term
from terms.search import page, search, suggest
from terms.spelling import did_you_mean

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
    """EXPLAIN of every query `run()` sends, in order (not of its EXPLAINs)."""
    with CaptureQueriesContext(connection) as captured:
        run()
    found = []
    for query in captured.captured_queries:
        if query["sql"].startswith("EXPLAIN"):
            continue
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


def first_page(text: str, cap: int, offset: int = 0):
    results = search(Term.objects.published(), text).values_list("pk", flat=True)
    return page(results, text, offset, 20, cap)


def sent(run) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        run()
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.django_db
def test_a_common_words_count_stops_at_the_cap(large_glossary):
    """A word in most terms is never counted past the cap: not at all when
    the planner expects many times the cap, otherwise with a LIMIT."""
    assert first_page("model", cap=100).count_is_estimate
    queries = sent(lambda: first_page("model", cap=100))
    assert not any("COUNT(" in sql for sql in queries), queries

    found = first_page("model", cap=1000)  # about 3,300 match: counted
    assert (found.count, found.count_is_estimate) == (1000, True)
    count, *_ = plans(lambda: first_page("model", cap=1000))
    assert re.search(r"Aggregate.*\n\s+->\s+Limit", count), count
    # Phrases are always counted, up to the cap.
    count, *_ = plans(lambda: first_page("domain-specific", cap=5))
    assert re.search(r"Aggregate.*\n\s+->\s+Limit", count), count


@pytest.mark.django_db
def test_past_the_cap_each_tier_stops_at_the_page(large_glossary):
    """Every tier's query has a LIMIT; a tier holding most terms is a walk
    of the alphabetical index (no sort), which checks the small vectors
    before the whole one."""
    published = Term.objects.published()
    in_head = search(published, "model").filter(
        head_vector=SearchQuery("model", config="glossary")
    )
    past_the_head = in_head.count() + 5  # a page of the third tier
    tiers = plans(lambda: first_page("model", cap=100, offset=past_the_head))
    assert len(tiers) == 3, tiers
    for plan in tiers:
        assert plan.startswith("Limit"), plan
        assert "Seq Scan" not in plan, plan
    anywhere = tiers[-1]
    assert "Index Scan using terms_term_order" in anywhere, anywhere
    assert "Sort" not in anywhere, anywhere
    checks = re.search(r"Filter: (.*)", anywhere).group(1)
    assert checks.index("head_vector") < checks.index("search_vector"), checks


@pytest.mark.django_db
@pytest.mark.parametrize("pick", [0, 17, 33])
def test_a_names_page_and_count_read_the_gin_indexes(large_glossary, pick):
    text = large_glossary[pick]
    found = first_page(text, cap=1000)
    assert not found.count_is_estimate
    for plan in plans(lambda: first_page(text, cap=1000)):
        assert "_vector_gin" in plan, plan
        assert "Seq Scan" not in plan, plan


@pytest.mark.django_db
@pytest.mark.parametrize("pick", [3, 21])
def test_suggestions_read_the_trigram_indexes(large_glossary, pick):
    name = large_glossary[pick]
    misspelt = name[:2] + name[3:]  # a letter left out
    suggested = did_you_mean(Term.objects.published(), misspelt)
    assert name in [s["match"] for s in suggested], suggested
    by_name, by_alias = plans(lambda: did_you_mean(Term.objects.published(), misspelt))
    assert "terms_term_name_trigrams" in by_name, by_name
    assert "terms_alias_name_trigrams" in by_alias, by_alias
    for plan in (by_name, by_alias):
        assert "Seq Scan" not in plan, plan
