"""Repeat anonymous reads answered from the response cache, before Django
resolves the URL or REST framework builds its request.

A read response depends only on the glossary's content version, the date,
who asks, the request's Accept header and its absolute URL. For anonymous
readers (no Authorization header, no session cookie) the view files each
200 it renders under a key made of exactly those, with its validators
(terms/api/caching.py, `remember`). The same request at the same content
version then gets the same bytes and headers back, or a 304 when its
If-None-Match names that ETag: one indexed read of the version and one
cache read, and none of the view's work. Any write to the glossary bumps the
version, so an entry stops being served once the content it shows changed.

Each process rechecks the version at most every
GLOSSARY_VERSION_RECHECK_SECONDS (default 1; 0 checks on every request), so
that a replay costs no database query at all: an anonymous reader may see
the glossary as it was up to that long ago, well within the max-age public
responses already allow caches. Misses, signed-in users and writes always
read the current version.

Replays count against the anonymous read throttle like any other read.
"""

import hashlib
import time

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date
from rest_framework.settings import api_settings

from terms.models import ContentVersion

# Only the API's reads are filed; other paths pass straight through.
API_PREFIX = "/api/"


def response_cache():
    return caches["responses"]


def replayable(request) -> bool:
    """An anonymous GET of the API: the view may file its answer for replay."""
    return (
        request.method == "GET"
        and request.path_info.startswith(API_PREFIX)
        and "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class VersionMemo:
    """This process's last reading of the content version, and when it expires."""

    def __init__(self):
        self.forget()

    def forget(self):
        self.stamp, self.expires = None, 0.0

    def get(self):
        now = time.monotonic()
        if self.stamp is None or now >= self.expires:
            self.stamp = ContentVersion.stamp()
            self.expires = now + settings.GLOSSARY_VERSION_RECHECK_SECONDS
        return self.stamp


version_memo = VersionMemo()


def replay_key(request) -> str:
    version, changed_at = version_memo.get()
    parts = [
        str(version),
        changed_at.isoformat(),
        timezone.localdate().isoformat(),
        request.META.get("HTTP_ACCEPT", ""),
        request.build_absolute_uri(),
    ]
    return "replay:" + hashlib.blake2b("|".join(parts).encode()).hexdigest()


def file_for_replay(request, response):
    """Keep a rendered 200 for the next identical request (see module doc).

    Only what the view served to an anonymous reader: whatever made a request
    signed in, its answer is never replayed to anyone."""
    key = getattr(request, "replay_key", None)
    if key is not None and not request.user.is_authenticated:
        headers = list(response.headers.items())
        response_cache().set(key, (response.status_code, headers, response.content))


def throttled(request) -> bool:
    """Whether a throttle refuses this read; the view then answers the 429."""
    # With no session cookie and no Authorization header the reader is
    # anonymous: say so rather than have the throttle load an empty session.
    request.user = AnonymousUser()
    return not all(
        throttle.allow_request(request, None)
        for throttle in (cls() for cls in api_settings.DEFAULT_THROTTLE_CLASSES)
    )


class ReplayMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replayable(request):
            return self.get_response(request)
        request.replay_key = replay_key(request)
        filed = response_cache().get(request.replay_key)
        if filed is None or throttled(request):
            return self.get_response(request)
        status, headers, content = filed
        response = HttpResponse(content, status=status, headers=dict(headers))
        return get_conditional_response(
            request,
            etag=response.headers.get("ETag"),
            last_modified=parse_http_date(response.headers["Last-Modified"]),
            response=response,
        )
