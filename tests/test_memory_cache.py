"""The in-process response cache is bounded by bytes as well as entries."""

import pytest

from terms.memory_cache import BoundedLocMemCache


@pytest.fixture
def cache(request):
    def make(max_bytes: int, max_entries: int = 300) -> BoundedLocMemCache:
        options = {"MAX_BYTES": max_bytes, "MAX_ENTRIES": max_entries}
        made = BoundedLocMemCache(request.node.name, {"OPTIONS": options})
        made.clear()
        return made

    return make


def test_past_its_bytes_the_least_recently_used_go_first(cache):
    responses = cache(max_bytes=5_000)
    for n in range(10):
        responses.set(f"page-{n}", "x" * 1_000)
    assert responses.held_bytes <= 5_000
    assert responses.get("page-9") is not None
    assert responses.get("page-0") is None
    kept = [n for n in range(10) if responses.get(f"page-{n}") is not None]
    assert kept == list(range(10 - len(kept), 10))
    assert len(kept) >= 3


def test_a_read_keeps_an_entry(cache):
    responses = cache(max_bytes=3_500)
    responses.set("popular", "x" * 1_000)
    for n in range(5):
        responses.get("popular")
        responses.set(f"page-{n}", "x" * 1_000)
    assert responses.get("popular") is not None
    assert responses.get("page-0") is None


def test_replacing_or_deleting_an_entry_frees_its_bytes(cache):
    responses = cache(max_bytes=10_000)
    responses.set("page", "x" * 4_000)
    responses.set("page", "x" * 1_000)
    assert 1_000 <= responses.held_bytes < 2_000
    responses.delete("page")
    assert responses.held_bytes == 0
    responses.set("page", "x" * 1_000)
    responses.clear()
    assert responses.held_bytes == 0
    assert responses.get("page") is None


def test_entries_stay_bounded_too(cache):
    responses = cache(max_bytes=10**9, max_entries=10)
    for n in range(25):
        responses.set(f"page-{n}", n)
    assert len(responses._cache) <= 10
    assert responses.get("page-24") == 24
