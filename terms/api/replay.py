"""Repeat anonymous reads answered from the response cache, before Django
resolves the URL or REST framework builds its request.

For anonymous readers (no Authorization header, no session cookie) the
middleware files each 200 that an API view marks as served to an anonymous
reader, with its headers, under the key terms/api/freshness.py makes of
what the response depends on. The same request then gets the same bytes
and headers back, or a 304 when its If-None-Match names that ETag: a cache
read and none of the view's work.

The key holds what the request means, not the text a client sent, so that
equivalent requests share one entry and a client cannot fill the cache by
varying a header: the formats negotiation would pick
(terms/api/negotiation.py) rather than the Accept header, and the host as
validated against ALLOWED_HOSTS. A host naming a port other than the
server's own (a client can send any, and the body's URLs repeat it) is
answered but not filed; a host the site does not serve is never filed
(Django answers it 400).

Replays count against the anonymous read throttle like any other read.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date
from rest_framework.settings import api_settings

from . import problems
from .freshness import FILED, PreconditionFailed, replay_key
from .unavailable import UNAVAILABLE

# Only the content API's reads are filed (not its schema or docs pages);
# other paths pass straight through.
API_PREFIX = "/api/v1/"
# What a 304 repeats of the full response (RFC 9110, 15.4.5).
NOT_MODIFIED = ("Cache-Control", "ETag", "Expires", "Last-Modified", "Vary")
# What it also repeats, as the view's own 304 does: the surrogate keys a CDN
# purges it by (Django's 304 keeps only the headers above).
KEYS = ("Surrogate-Key", "Cache-Tag")


def response_cache():
    return caches["responses"]


def anonymous(request) -> bool:
    """No Authorization header and no session cookie: nobody signed in."""
    return (
        "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def replayable(request) -> bool:
    """An anonymous GET of the API: its answer may be filed and replayed."""
    return (
        request.method == "GET"
        and request.path_info.startswith(API_PREFIX)
        and anonymous(request)
    )


def fileable(response) -> bool:
    return (
        getattr(response, "replayable", False)
        and response.status_code in FILED
        and not response.streaming
        and not response.cookies
    )


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
    """Early in MIDDLEWARE, after CORS: a replay skips the session, CSRF,
    authentication and message middleware, and what those added to the
    original response (X-Frame-Options…) is filed with it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            key = replay_key(request) if replayable(request) else None
        except UNAVAILABLE:  # the view will answer 503 (terms/api/unavailable.py)
            key = None
        if key is None:
            return self.get_response(request)
        filed = response_cache().get(key)
        if filed is not None:
            answer = replay(request, *filed)
            if answer is not None and not throttled(request):
                return answer
        response = self.get_response(request)
        # A 304 from the view files only the validators, and never over a body.
        if fileable(response) and (response.status_code == 200 or filed is None):
            body = response.content if response.status_code == 200 else None
            response_cache().set(key, (list(response.headers.items()), body))
        return response


def replay(request, headers, content):
    """The filed answer to this request; None when only its validators were
    filed and the request needs the body."""
    headers = dict(headers)
    # The conditional check needs the validators only (and a 304 carries no
    # more): the whole response is built only when it is sent.
    validators = HttpResponse(
        headers={name: headers[name] for name in NOT_MODIFIED if name in headers}
    )
    answer = get_conditional_response(
        request,
        etag=headers.get("ETag"),
        last_modified=(
            parse_http_date(headers["Last-Modified"])
            if "Last-Modified" in headers
            else None
        ),
        response=validators,
    )
    if answer is not validators:  # 304, or 412 for a failed If-Match
        if answer.status_code == 412:
            return problems.response(request, 412, PreconditionFailed.default_detail)
        if answer.status_code == 304:
            for name in KEYS:
                if name in headers:
                    answer[name] = headers[name]
        return answer
    if content is None:
        return None
    return HttpResponse(content, headers=headers)
