"""Rate limits: anonymous reads per client address, writes per user.

The counters live in the default cache; with several app processes it must
be a shared one (REDIS_URL) or each process counts on its own. Rates are
read from the settings on each request, so they follow the environment.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class SettingsRateMixin:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class AnonymousReadThrottle(SettingsRateMixin, throttling.AnonRateThrottle):
    scope = "anonymous_read"


class WriteThrottle(SettingsRateMixin, throttling.UserRateThrottle):
    scope = "write"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
