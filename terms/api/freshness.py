"""What a read response is keyed and validated by: its ETag and
Last-Modified, the 304 before rendering, If-Match on writes (412 when
stale, 428 when required and missing), and the key under which the replay
middleware (terms/api/replay.py) files an anonymous read.

Each response's validator is its resource's version (terms/changes/
versions.py): the number of the latest change to what it shows, for that
kind of viewer. The ETag is `"<version>.<variant>"`, the variant telling
apart what the same version looks like in another format, with other
query parameters or to an editor (whose reads also change with any draft
and, as they show review states live, with the date), and the shape of
the representations (terms/api/shape.py). So an edit changes
the ETags of the resources that show it and no others, and a draft edit
changes no public one.

A write compares If-Match with the resource's own version (what editors
see of it, draft edits included): an ETag of any read of it, or
`"<version>"` from a representation's `version`. The version is read with
writers held back until the write commits: of two writes sent with the
same version, the second waits for the first, then finds it changed and
answers 412. Edits to other resources never do.

A filed response's key is the change log's latest number, the date, the
negotiated format and the absolute URL: any edit retires every filed copy
(the next read files it again, under the same ETag if nothing it shows
changed). Each process trusts its last reading of that number for
GLOSSARY_VERSION_RECHECK_SECONDS, so a replay costs no query at all.
"""

import hashlib
import time

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse
from django.http.request import split_domain_port
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_etags
from rest_framework import status
from rest_framework.exceptions import APIException

from terms.changes import versions
from terms.changes.versions import Version
from terms.models.term import sees_drafts

from .negotiation import negotiated
from .shape import shape

SAFE_METHODS = ("GET", "HEAD")
CHECKED_WRITES = ("PUT", "PATCH", "DELETE")
# Content negotiation picks the format; a session or a token decides on drafts.
VARY = ["Accept", "Authorization", "Cookie"]
# A 200 is filed with its body; a 304 (a conditional read whose body was never
# rendered) with its validators only, enough to answer the next one.
FILED = (200, 304)
# Reads that name what they show (Surrogate-Key), for a CDN to purge them.
KEYED = (*FILED, 301, 404)


class ShortCircuit(Exception):
    """A read answered before it is rendered: a 304."""

    def __init__(self, response):
        self.response = response


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "This resource changed since you read it (If-Match does not name its "
        "current version). Read it again, reapply your change and retry."
    )
    default_code = "precondition_failed"


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "Send If-Match with the ETag (or the version) of your last read of "
        "this resource."
    )
    default_code = "precondition_required"


def etag(request, version: Version, variant: str = "") -> str:
    parts = [
        getattr(request, "accepted_media_type", ""),
        # Scheme and host too: responses hold absolute URLs.
        request.build_absolute_uri(),
        variant,
        shape(),
    ]
    if sees_drafts(request.user):
        # Editors' reads show drafts anywhere, and review states as of today.
        parts += ["drafts", str(versions.head().number), str(timezone.localdate())]
    digest = hashlib.blake2b("|".join(parts).encode(), digest_size=8).hexdigest()
    return f'"{version.number}.{digest}"'


def version_named(tag: str) -> str:
    """The version an ETag of ours (or a bare version) names."""
    return tag.strip('"').split(".", 1)[0]


def validator_headers(request, version: Version, variant: str = "") -> dict:
    headers = {
        "ETag": etag(request, version, variant),
        "Cache-Control": (
            settings.GLOSSARY_CACHE_CONTROL_PRIVATE
            if request.user.is_authenticated
            else settings.GLOSSARY_CACHE_CONTROL
        ),
    }
    if version.changed_at is not None:
        headers["Last-Modified"] = http_date(version.changed_at.timestamp())
    return headers


def check_if_match(request, version: Version):
    """412 unless If-Match names the resource's current version (or is "*")."""
    if_match = request.headers.get("If-Match")
    if if_match is None:
        if settings.GLOSSARY_REQUIRE_IF_MATCH:
            raise PreconditionRequired()
        return
    etags = parse_etags(if_match)
    if "*" not in etags and str(version.number) not in map(version_named, etags):
        raise PreconditionFailed()


class VersionMemo:
    """This process's last reading of the log's head, and when it expires."""

    def __init__(self):
        self.forget()

    def forget(self):
        self.stamp, self.expires = None, 0.0

    def get(self):
        now = time.monotonic()
        if self.stamp is None or now >= self.expires:
            self.stamp = versions.head()
            self.expires = now + settings.GLOSSARY_VERSION_RECHECK_SECONDS
        return self.stamp


version_memo = VersionMemo()


def served_host(request) -> str | None:
    """The request's host when it is one the site serves on its own port;
    None for a host ALLOWED_HOSTS refuses or one naming another port."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    _, port = split_domain_port(host)
    if port and port != request.META.get("SERVER_PORT"):
        return None
    return host


def replay_key(request) -> str | None:
    """The key a response to this request is filed under; None: never filed."""
    host = served_host(request)
    if host is None:
        return None
    parts = [
        str(version_memo.get().number),
        timezone.localdate().isoformat(),
        shape(),
        negotiated(request),
        request.scheme,
        host,
        request.get_full_path(),
    ]
    return "replay:" + hashlib.blake2b("|".join(parts).encode()).hexdigest()


def mark_replayable(request, response):
    """Let the middleware file this response: a read the API's view served
    to an anonymous reader. Whatever made a request signed in, its answer is
    never replayed to anyone."""
    if response.status_code in FILED and not request.user.is_authenticated:
        response.replayable = True


class ConditionalGetMixin:
    """Validators on every successful read; a matching conditional GET is 304;
    writes to an existing resource honour If-Match.

    A view says what its version is (`read_version`): early, so that a 304
    costs that one read. A view that learns its version only from what it
    reads (a page of a list) returns None there and calls `conditional()`.
    """

    def read_version(self) -> Version | None:
        raise NotImplementedError

    def own_version(self) -> Version:
        """The version of the resource a write changes, as editors see it."""
        raise NotImplementedError

    def surrogate_keys(self) -> list[str]:
        """What this read shows, as surrogate keys (terms/changes/keys.py):
        a CDN purges the response when the outbox purges one of them."""
        return []

    def dispatch(self, request, *args, **kwargs):
        if request.method in SAFE_METHODS:
            return super().dispatch(request, *args, **kwargs)
        # The If-Match check and the write it guards are one transaction.
        with transaction.atomic():
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Only a write the view takes (else a 405 follows: nothing to check).
        if request.method in CHECKED_WRITES and hasattr(self, request.method.lower()):
            versions.lock()
            check_if_match(request, self.own_version())
        if request.method in SAFE_METHODS:
            version = self.read_version()
            if version is not None:
                self.conditional(version)

    def conditional(self, version: Version, variant: str = ""):
        """Set this read's validators; a 304 if the client has this version."""
        self.validators = validator_headers(self.request, version, variant)
        headers = HttpResponse(headers=self.validators)
        patch_vary_headers(headers, VARY)
        answer = get_conditional_response(
            self.request,
            etag=self.validators["ETag"],
            last_modified=version.changed_at and int(version.changed_at.timestamp()),
            response=headers,
        )
        if answer is headers:
            return
        if answer.status_code == status.HTTP_412_PRECONDITION_FAILED:
            raise PreconditionFailed()  # If-Match or If-Unmodified-Since on a read
        raise ShortCircuit(answer)  # 304 Not Modified

    def handle_exception(self, exc):
        if isinstance(exc, ShortCircuit):
            mark_replayable(self.request, exc.response)
            return exc.response
        if self.request.method not in SAFE_METHODS:
            transaction.set_rollback(True)  # an error response writes nothing
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        validators = getattr(self, "validators", None)
        if request.method not in SAFE_METHODS and response.status_code in (200, 201):
            # The ETag of the resource now, for the client's next write.
            validators = {"ETag": etag(request, self.own_version())}
        if validators and response.status_code in (200, 201, 301):
            for header, value in validators.items():
                response.headers[header] = value
            patch_vary_headers(response, VARY)
        # A 404 too: a CDN may keep one, and a term published at that address
        # purges its collection's key.
        if request.method in SAFE_METHODS and response.status_code in KEYED:
            shown = self.surrogate_keys()
            response.headers["Surrogate-Key"] = " ".join(shown)  # Fastly
            response.headers["Cache-Tag"] = ",".join(shown)  # Cloudflare
        if request.method in SAFE_METHODS:
            mark_replayable(request, response)  # terms/api/replay.py
        return response
