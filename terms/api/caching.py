"""HTTP validators for every read: ETag and Last-Modified, 304 before rendering.

A response's validator is made of the glossary's content version (bumped by
database triggers on any write, see terms.models.ContentVersion), the date
(review state depends on it), who is asking (editors see drafts), the
negotiated format and the full path with its query. So anything a response
shows changes its validator, and checking one costs a single indexed read.
"""

import hashlib

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date

from terms.models import ContentVersion

SAFE_METHODS = ("GET", "HEAD")
# Content negotiation picks JSON or JSON-LD; the session decides on drafts.
VARY = ["Accept", "Cookie"]


class NotModified(Exception):
    def __init__(self, response):
        self.response = response


def is_editor(user) -> bool:
    return user.is_authenticated and user.is_staff


def validator_headers(request) -> dict[str, str]:
    version = ContentVersion.current()
    key = "|".join(
        [
            str(version.version),
            version.changed_at.isoformat(),
            timezone.localdate().isoformat(),
            "editor" if is_editor(request.user) else "public",
            getattr(request, "accepted_media_type", ""),
            request.get_full_path(),
        ]
    )
    return {
        "ETag": f'"{hashlib.blake2b(key.encode(), digest_size=16).hexdigest()}"',
        "Last-Modified": http_date(version.changed_at.timestamp()),
        "Cache-Control": (
            settings.GLOSSARY_CACHE_CONTROL_PRIVATE
            if request.user.is_authenticated
            else settings.GLOSSARY_CACHE_CONTROL
        ),
    }


class ConditionalGetMixin:
    """Validators on every successful read; a matching conditional GET is 304."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
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
            raise NotModified(answer)

    def handle_exception(self, exc):
        if isinstance(exc, NotModified):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        validators = getattr(self, "validators", None)
        if validators and response.status_code in (200, 301):
            for header, value in validators.items():
                response.headers[header] = value
            patch_vary_headers(response, VARY)
        return response
