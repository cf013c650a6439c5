"""The reads that must stay fast at any size use their indexes: search and
autocomplete on PostgreSQL (issue 6, item 4; issue 12, item 2: a search's
page and count stop at what they need), and deep walks of the term list and
of an index letter on both databases (issue 12, items 3 and 4).

The planner reads a small table whole, which is right for a small table; at a
few thousand terms a sequential scan costs what the benchmark shows at
100,000, so these check the plans at that size. SQLite's search indexes (its
FTS5 table, the stored folded names) are checked in
tests/test_search_index.py. `.ci/run` runs this suite on PostgreSQL too.
"""

import re

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from terms.changes import documents, versions
from terms.generate import clear, generate
from terms.models import Term
from terms.search import page, search, suggest
from terms.spelling import did_you_mean

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="these plans and indexes are PostgreSQL's",
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


def explain(sql: str, params=None) -> str:
    """The database's plan of one query, one line per step. Given its
    parameters, the plan of the query as sent: SQLite may plan a query with
    its values written in differently from one with them bound."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def sent(run) -> list[tuple[str, list]]:
    """Every query `run()` sends, with its parameters."""
    queries = []

    def capture(execute, sql, params, many, context):
        queries.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        run()
    return queries


def plans(run) -> list[str]:
    """EXPLAIN of every read `run()` sends, as sent, in order (not of its
    EXPLAINs: a search's own estimate)."""
    return [
        explain(sql, params)
        for sql, params in sent(run)
        if sql.lstrip().upper().startswith(("SELECT", "WITH"))
    ]


@on_postgresql
@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["a", "co", "re", "tran", "zzz"])
def test_autocomplete_reads_a_range_of_the_prefix_indexes(large_glossary, prefix):
    by_name, by_alias = plans(lambda: suggest(Term.objects.published(), prefix, 10))
    assert "terms_term_fold_prefix" in by_name, by_name
    assert "terms_alias_fold_prefix" in by_alias, by_alias
    for plan in (by_name, by_alias):
        assert "Seq Scan" not in plan, plan
        assert "Sort" not in plan, plan  # the index gives the order


@on_postgresql
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


@on_postgresql
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


def keyset_plans(api, url: str) -> list[tuple[str, str]]:
    """The SQL and plan of each query a read of `url` sends for its page."""
    caches["responses"].clear()  # rendered, not replayed
    responses = []
    queries = sent(lambda: responses.append(api.get(url)))
    assert responses[0].status_code == 200, responses[0].content
    pages = [
        (sql, params)
        for sql, params in queries
        if 'FROM "terms_term"' in sql and "ORDER BY" in sql
    ]
    assert pages, [sql for sql, _ in queries]
    return [(sql, explain(sql, params)) for sql, params in pages]


def assert_seeks_an_index(sql: str, plan: str, sorts_at_most: int = 0):
    """The page is read from an index, starting at its place in it: no
    OFFSET counting past earlier rows, no scan of the table, no sort of
    more than the rows that share a value of the leading key (PostgreSQL's
    Incremental Sort, SQLite's sort of the "right part" of the order), or,
    on PostgreSQL, than `sorts_at_most` rows: near the end of a walk the
    planner may sort the few rows left after the cursor."""
    assert "OFFSET" not in sql, sql
    if connection.vendor == "postgresql":
        assert "Seq Scan" not in plan, plan
        assert "Index Cond" in plan, plan
        sorted_rows = re.findall(r"(?:^|->\s+)Sort\s+\(cost=\S+ rows=(\d+)", plan, re.M)
        assert all(int(rows) <= sorts_at_most for rows in sorted_rows), plan
    else:
        assert re.search(r"SEARCH terms_term USING (COVERING )?INDEX", plan), plan
        assert "SCAN terms_term" not in plan, plan
        if re.search(r"\bWHERE .*[<>] ", sql):
            # A page after a position seeks it: its range bounds a key past
            # the status, not only the status with every row read from the
            # start of the published ones.
            assert not re.search(r"INDEX \S+ \(status=\?\)", plan), plan
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan


def deep_cursor(api, url: str, pages: int) -> str:
    """The `next` link `pages` pages into a cursor walk from `url`."""
    for _ in range(pages):
        url = api.get(url).json()["next"]
        assert url is not None
    return url


def last_cursor_page(api, url: str) -> str:
    """The address of a cursor walk's last page, the one with no `next`."""
    while (following := api.get(url).json()["next"]) is not None:
        url = following
    return url


@pytest.mark.django_db
@pytest.mark.parametrize(
    "ordering",
    ["name", "-name", "updated_at", "-updated_at", "last_reviewed", "-last_reviewed"],
)
def test_a_deep_cursor_page_seeks_its_place_in_an_index(large_glossary, api, ordering):
    """Every ordering the list offers walks an index by its keyset: the
    last page of a walk costs what its first does."""
    start = f"/api/v1/terms/?pagination=cursor&page_size=100&ordering={ordering}"
    deep = deep_cursor(api, start, pages=TERMS * 3 // 4 // 100)
    last = last_cursor_page(api, deep)
    assert last != deep
    for url, sorts_at_most in ((start, 0), (deep, 0), (last, 100)):
        for sql, plan in keyset_plans(api, url):
            assert_seeks_an_index(sql, plan, sorts_at_most)


@pytest.mark.django_db
def test_a_batch_of_terms_reads_its_links_by_term(large_glossary):
    """A batch's see-also links (a page of stored documents to build) are
    read through the links' term index, each checked for a linkable target:
    not a probe of every (term, linkable target) pair, which made a batch
    cost the whole glossary on SQLite."""
    ids = list(Term.objects.published().values_list("pk", flat=True)[:500])
    queries = plans(
        lambda: list(Term.objects.published().with_related().filter(pk__in=ids))
    )
    (links,) = [plan for plan in queries if "terms_seealso" in plan]
    if connection.vendor == "postgresql":
        assert "Seq Scan on terms_seealso" not in links, links
    else:
        assert re.search(r"SEARCH terms_seealso USING INDEX \S+ \(term_id=\?\)", links)
        assert "target_id=?" not in links, links


@pytest.mark.django_db
def test_a_write_builds_the_documents_of_the_log_entries_after_it(large_glossary):
    """After a write, the terms to build are read from the change log's
    entries past the write's start, through the (kind, seq) index: not a
    walk of the whole log, which grows with every row ever written."""
    since = versions.head().number
    Term.objects.get(name=large_glossary[7]).touch()
    queries = plans(lambda: documents.build_changed_since(since))
    (log,) = [plan for plan in queries if "terms_change" in plan][:1]
    if connection.vendor == "postgresql":
        assert "Seq Scan on terms_change" not in log, log
        assert re.search(r"Index Cond: .*\(seq > ", log), log
    else:
        assert "terms_change_kind_head (kind=? AND seq>?)" in log, log


def assert_reads_the_letter_index(plan: str):
    """A letter's terms come from the letter index in their order: no scan
    of the table, no sort."""
    if connection.vendor == "postgresql":
        assert "using terms_term_letter" in plan, plan
        assert "Seq Scan" not in plan, plan
        assert not re.search(r"(^|->\s+)(Incremental )?Sort\b", plan, re.M), plan
    else:
        assert "INDEX terms_term_letter (status=? AND <expr>=?" in plan, plan
        assert "TEMP B-TREE" not in plan, plan


@pytest.mark.django_db
def test_the_index_counts_its_letters_from_the_letter_index(large_glossary, api):
    """Past GLOSSARY_INDEX_INLINE_MAX the index is its letters' counts: one
    pass over an index, not the table (SQLite: the letter index, grouped in
    its order; PostgreSQL may prefer the narrower order index and a hash)."""
    with CaptureQueriesContext(connection) as captured:
        body = api.get("/api/v1/index/").json()
    assert body["inline"] is False
    (counts,) = [q["sql"] for q in captured.captured_queries if "COUNT" in q["sql"]]
    plan = explain(counts)
    if connection.vendor == "postgresql":
        assert "Index Only Scan" in plan, plan
        assert "Seq Scan" not in plan, plan
    else:
        assert "USING COVERING INDEX terms_term_letter" in plan, plan
        assert "TEMP B-TREE" not in plan, plan


@pytest.mark.django_db
def test_a_letter_page_reads_the_letter_index_at_any_depth(large_glossary, api):
    letters = api.get("/api/v1/index/").json()["letters"]
    largest = max(letters, key=lambda group: group["count"])
    assert largest["count"] > 300
    pages = largest["count"] // 50
    numbered = f"{largest['url']}?page_size=50&page={pages}"
    start = f"{largest['url']}?page_size=50&pagination=cursor"
    for url in (numbered, start, deep_cursor(api, start, pages=pages - 1)):
        for _, plan in keyset_plans(api, url):
            assert_reads_the_letter_index(plan)
    for sql, plan in keyset_plans(api, deep_cursor(api, start, pages=pages - 1)):
        assert_seeks_an_index(sql, plan)


def first_page(text: str, cap: int, offset: int = 0):
    results = search(Term.objects.published(), text).values_list("pk", flat=True)
    return page(results, text, offset, 20, cap)


@on_postgresql
@pytest.mark.django_db
def test_a_common_words_count_stops_at_the_cap(large_glossary):
    """A word in most terms is never counted past the cap: not at all when
    the planner expects many times the cap, otherwise with a LIMIT."""
    assert first_page("model", cap=100).count_is_estimate
    queries = [sql for sql, _ in sent(lambda: first_page("model", cap=100))]
    assert not any("COUNT(" in sql for sql in queries), queries

    found = first_page("model", cap=1000)  # about 3,300 match: counted
    assert (found.count, found.count_is_estimate) == (1000, True)
    count, *_ = plans(lambda: first_page("model", cap=1000))
    assert re.search(r"Aggregate.*\n\s+->\s+Limit", count), count
    # Phrases are always counted, up to the cap.
    count, *_ = plans(lambda: first_page("domain-specific", cap=5))
    assert re.search(r"Aggregate.*\n\s+->\s+Limit", count), count


@on_postgresql
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


@on_postgresql
@pytest.mark.django_db
@pytest.mark.parametrize("pick", [0, 17, 33])
def test_a_names_page_and_count_read_the_gin_indexes(large_glossary, pick):
    text = large_glossary[pick]
    found = first_page(text, cap=1000)
    assert not found.count_is_estimate
    for plan in plans(lambda: first_page(text, cap=1000)):
        assert "_vector_gin" in plan, plan
        assert "Seq Scan" not in plan, plan


@on_postgresql
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
