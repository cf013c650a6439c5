"""What every answer under /api/ says about caching, errors included: the
request headers it depends on (Vary), and for an error how long it may be
kept (Cache-Control). Successful reads set their own (terms/api/freshness.py);
this also covers errors answered before or instead of a view."""

from django.conf import settings
from django.utils.cache import patch_vary_headers

from .freshness import SAFE_METHODS, VARY
from .replay import anonymous

# Answers a publish at that address changes, and purges by Surrogate-Key.
KEPT_ERRORS = (404, 410)


def error_cache_control(request, status: int) -> str:
    if request.method not in SAFE_METHODS or status not in KEPT_ERRORS:
        return "no-store"  # a refusal may not be refused tomorrow
    if anonymous(request):
        return settings.GLOSSARY_CACHE_CONTROL
    # An editor's 404 may answer for a draft others cannot see.
    return settings.GLOSSARY_CACHE_CONTROL_PRIVATE


class AnswerHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/api/"):
            return response
        patch_vary_headers(response, VARY)
        if response.status_code >= 400 and not response.has_header("Cache-Control"):
            control = error_cache_control(request, response.status_code)
            response.headers["Cache-Control"] = control
        return response
