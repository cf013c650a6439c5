"""HTTP validators: ETag and Last-Modified on reads, 304 before rendering,
and If-Match on writes (412 when stale, 428 when required and missing).

A response's validator is made of the glossary's content version (bumped by
database triggers on any write, see terms.models.ContentVersion), the date
(review state depends on it), who is asking (editors see drafts), the
negotiated format and the full path with its query. So anything a response
shows changes its validator, and checking one costs a single indexed read.

A write is checked against the ETag a GET of the same address would have now,
with the content version locked for the rest of the write's transaction: of
two writes sent with the same ETag, the second waits for the first, then
finds the ETag changed and answers 412. Since the version covers the whole
glossary, a 412 can also mean an unrelated change: read again and retry.
"""

import hashlib

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date
from rest_framework import status
from rest_framework.exceptions import APIException

from terms.models import ContentVersion
from terms.models.term import sees_drafts

from .replay import mark_replayable

SAFE_METHODS = ("GET", "HEAD")
CHECKED_WRITES = ("PUT", "PATCH", "DELETE")
# Content negotiation picks JSON or JSON-LD; the session decides on drafts.
VARY = ["Accept", "Cookie"]


class ShortCircuit(Exception):
    """A read answered before the view runs: a 304."""

    def __init__(self, response):
        self.response = response


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "The glossary changed since you read this (If-Match does not match its "
        "current ETag). Read it again, reapply your change and retry."
    )
    default_code = "precondition_failed"


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "Send If-Match with the ETag of your last read of this resource."
    default_code = "precondition_required"


def validator_headers(request) -> dict[str, str]:
    version, changed_at = ContentVersion.stamp()
    key = "|".join(
        [
            str(version),
            changed_at.isoformat(),
            timezone.localdate().isoformat(),
            "drafts" if sees_drafts(request.user) else "public",
            getattr(request, "accepted_media_type", ""),
            # Scheme and host too: responses hold absolute URLs.
            request.build_absolute_uri(),
        ]
    )
    return {
        "ETag": f'"{hashlib.blake2b(key.encode(), digest_size=16).hexdigest()}"',
        "Last-Modified": http_date(changed_at.timestamp()),
        "Cache-Control": (
            settings.GLOSSARY_CACHE_CONTROL_PRIVATE
            if request.user.is_authenticated
            else settings.GLOSSARY_CACHE_CONTROL
        ),
    }


def check_if_match(request):
    """412 unless If-Match names the resource's current ETag (or is "*")."""
    ContentVersion.lock()
    if_match = request.headers.get("If-Match")
    if if_match is None:
        if settings.GLOSSARY_REQUIRE_IF_MATCH:
            raise PreconditionRequired()
        return
    etags = parse_etags(if_match)
    if "*" not in etags and validator_headers(request)["ETag"] not in etags:
        raise PreconditionFailed()


class ConditionalGetMixin:
    """Validators on every successful read; a matching conditional GET is 304;
    writes to an existing resource honour If-Match."""

    def dispatch(self, request, *args, **kwargs):
        if request.method in SAFE_METHODS:
            return super().dispatch(request, *args, **kwargs)
        # The If-Match check and the write it guards are one transaction.
        with transaction.atomic():
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method in CHECKED_WRITES:
            check_if_match(request)
        if request.method not in SAFE_METHODS:
            return
        self.validators = validator_headers(request)
        headers = HttpResponse(headers=self.validators)
        patch_vary_headers(headers, VARY)
        answer = get_conditional_response(
            request,
            etag=self.validators["ETag"],
            last_modified=parse_http_date(self.validators["Last-Modified"]),
            response=headers,
        )
        if answer is not headers:  # 304 Not Modified (or 412 for If-Match)
            raise ShortCircuit(answer)

    def handle_exception(self, exc):
        if isinstance(exc, ShortCircuit):
            return exc.response
        if self.request.method not in SAFE_METHODS:
            transaction.set_rollback(True)  # an error response writes nothing
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        validators = getattr(self, "validators", None)
        if request.method not in SAFE_METHODS and response.status_code in (200, 201):
            # The ETag a GET of this address now has, for the client's next write.
            validators = {"ETag": validator_headers(request)["ETag"]}
        if validators and response.status_code in (200, 201, 301):
            for header, value in validators.items():
                response.headers[header] = value
            patch_vary_headers(response, VARY)
        if request.method in SAFE_METHODS:
            mark_replayable(request, response)  # terms/api/replay.py
        return response
