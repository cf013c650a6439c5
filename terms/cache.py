"""Django's Redis cache, for a Redis that may be down.

Redis holds the rate-limit counters and the rendered responses (settings'
CACHES); neither is needed to answer a request. While Redis cannot be
reached this backend is an empty cache that keeps nothing, as Django's
DummyCache: reads miss, writes are dropped, incr() raises ValueError as for
a missing key. So reads are rendered from the database, and every request
is the first of its rate-limit window: rate limits are not enforced until
Redis is back (terms/api/throttling.py).

After a failure the backend does not try Redis again for RETRY_SECONDS, so
a Redis that does not answer costs one connection timeout (settings'
OPTIONS) per interval, not one per call; and the outage is logged when it
starts, then at most once a minute (terms/outages.py), not once per request.
"""

import functools
from urllib.parse import urlsplit

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from redis.exceptions import ConnectionError, TimeoutError

from .outages import Outage

RETRY_SECONDS = 5.0
CONSEQUENCE = (
    "serving without it: responses are rendered from the database and "
    "rate limits are not enforced"
)
# One per Redis server in this process, shared by the caches that use it.
outages: dict[str, Outage] = {}


def _missing(*args, **kwargs):
    raise ValueError("The cache is unreachable.")


def _fallback(answer):
    """The method when Redis is unreachable: what an empty cache answers."""

    def decorate(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            outage = self.outage
            if outage.skip():
                return answer(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except (ConnectionError, TimeoutError) as error:
                outage.failed(error)
                return answer(*args, **kwargs)
            if outage.ongoing:
                outage.recovered()
            return result

        return call

    return decorate


class RedisCache(DjangoRedisCache):
    @property
    def outage(self) -> Outage:
        server = ",".join(self._servers)
        if server not in outages:
            # Named by host and port: the URL may hold a password.
            where = ", ".join(
                urlsplit(url).netloc.rpartition("@")[2] for url in self._servers
            )
            outages[server] = Outage(
                f"The cache (Redis at {where})", CONSEQUENCE, RETRY_SECONDS
            )
        return outages[server]

    @_fallback(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_fallback(lambda keys, version=None: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_fallback(lambda *args, **kwargs: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_fallback(lambda *args, **kwargs: False)
    def add(self, *args, **kwargs):
        return super().add(*args, **kwargs)

    @_fallback(lambda *args, **kwargs: None)
    def set(self, *args, **kwargs):
        return super().set(*args, **kwargs)

    @_fallback(lambda data, *args, **kwargs: list(data))  # the keys not set
    def set_many(self, data, *args, **kwargs):
        return super().set_many(data, *args, **kwargs)

    @_fallback(lambda *args, **kwargs: False)
    def touch(self, *args, **kwargs):
        return super().touch(*args, **kwargs)

    @_fallback(_missing)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @_fallback(lambda *args, **kwargs: False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_fallback(lambda *args, **kwargs: None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_fallback(lambda: False)
    def clear(self):
        return super().clear()
