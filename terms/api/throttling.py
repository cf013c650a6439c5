"""Rate limits: anonymous reads per client address, writes per user.

The counters live in the default cache; with several app processes it must
be a shared one (REDIS_URL) or each process counts on its own.
"""

from rest_framework import throttling

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class AnonymousReadThrottle(throttling.AnonRateThrottle):
    scope = "anonymous_read"


class WriteThrottle(throttling.UserRateThrottle):
    scope = "write"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
