"""Rate limits: anonymous reads per client address, signed-in reads and
writes per user, counted per fixed window.

A client's address is the connecting one unless NUM_PROXIES (from
DJANGO_NUM_PROXIES) says how many proxies in front of the app add to
X-Forwarded-For; a client cannot shed its count by sending that header.

The counters live in the default cache; with several app processes it must
be a shared one (REDIS_URL) or each process counts on its own. While that
cache is unreachable the limits are not enforced (they fail open). Rates are
read from the settings on each request, so they follow the environment.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class SettingsRateMixin:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class FixedWindowMixin:
    """Count requests per fixed window with one atomic cache increment.

    DRF's own throttles keep a list of every request's time in the window
    and rewrite it on each request, which costs more than a replayed read
    (terms/api/replay.py) and grows with the rate. A counter per window
    costs the same at any rate; a client may get up to twice the rate
    across a window's edge, which a rate limit can afford.
    """

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        window, elapsed = divmod(self.timer(), self.duration)
        self.window_left = self.duration - elapsed
        key = f"{self.key}_{int(window)}"
        # add() is a no-op when the counter exists; incr() is atomic in Redis.
        self.cache.add(key, 0, self.duration)
        try:
            count = self.cache.incr(key)
        except ValueError:
            # Evicted between the two calls, or the cache is unreachable
            # (terms/cache.py): then every request counts as the window's first,
            # and the limit is not enforced until the cache is back.
            self.cache.set(key, count := 1, self.duration)
        return count <= self.num_requests

    def wait(self):
        return self.window_left


class AnonymousReadThrottle(
    FixedWindowMixin, SettingsRateMixin, throttling.AnonRateThrottle
):
    scope = "anonymous_read"


class UserReadThrottle(
    FixedWindowMixin, SettingsRateMixin, throttling.UserRateThrottle
):
    """Reads by a signed-in user (a token or a session), per user: anonymous
    readers have AnonymousReadThrottle."""

    scope = "user_read"

    def get_cache_key(self, request, view):
        if request.method not in SAFE_METHODS or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


class WriteThrottle(FixedWindowMixin, SettingsRateMixin, throttling.UserRateThrottle):
    scope = "write"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
