"""Django's in-process cache, bounded by the bytes it holds.

Without Redis each app process keeps the rendered responses it replays
(settings' CACHES["responses"]) in its own memory. Django's LocMemCache
bounds them by count only, and a response may be a 20-term list or a
letter page of 500 terms: at 100,000 terms, 2,000 of them took a worker
past the 200 MB it is meant to stay under (docs/benchmarks.md).
OPTIONS["MAX_BYTES"] bounds what the cached values hold as well; past it
the least recently used go first, as past MAX_ENTRIES. (incr(), for
counters, which this cache does not hold, keeps an entry's size as set.)
"""

from django.core.cache.backends.locmem import LocMemCache

# Per cache name, as LocMemCache shares its store between a process's threads.
_sizes: dict[str, dict[str, int]] = {}


class BoundedLocMemCache(LocMemCache):
    def __init__(self, name, params):
        super().__init__(name, params)
        self._max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", 0))
        self._sizes = _sizes.setdefault(name, {})

    @property
    def held_bytes(self) -> int:
        return sum(self._sizes.values())

    def _set(self, key, value, timeout=None):
        self._forget(key)
        super()._set(key, value, timeout)
        self._sizes[key] = len(value)
        if self._max_bytes:
            held = self.held_bytes
            while held > self._max_bytes and len(self._cache) > 1:
                held -= self._evict_oldest()

    def _cull(self):
        if self._cull_frequency == 0:
            self.clear_unlocked()
            return
        for _ in range(len(self._cache) // self._cull_frequency):
            self._evict_oldest()

    def _evict_oldest(self) -> int:
        """Drop the least recently used entry; its size in bytes."""
        key, _ = self._cache.popitem()  # the end: get and set move keys first
        del self._expire_info[key]
        return self._sizes.pop(key, 0)

    def _delete(self, key):
        self._forget(key)
        return super()._delete(key)

    def _forget(self, key):
        self._sizes.pop(key, None)

    def clear(self):
        with self._lock:
            self.clear_unlocked()

    def clear_unlocked(self):
        self._cache.clear()
        self._expire_info.clear()
        self._sizes.clear()
