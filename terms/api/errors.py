"""Errors answered outside REST framework's views: Django's handlers and the
middlewares. Under /api/ each is a problem (terms/api/problems.py), as a
front-end expects; elsewhere (the admin) Django's own pages."""

from django.conf import settings
from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.http import HttpResponse, HttpResponseNotFound
from django.views import defaults

from . import problems


def under_api(request) -> bool:
    return request.path.startswith("/api/")


def error_response(request, status: int, detail: str, headers=None) -> HttpResponse:
    """An error answered before any view (or instead of one): a problem under
    /api/, plain text elsewhere."""
    if under_api(request):
        return problems.response(request, status, detail, headers=headers)
    return HttpResponse(
        detail, status=status, headers=headers, content_type="text/plain; charset=utf-8"
    )


def bad_request(request, exception):
    if not under_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = f"The request body is too large: at most {limit} bytes are accepted."
        return problems.response(request, 413, detail)
    if isinstance(exception, DisallowedHost):
        detail = "The Host header names a host this site does not serve."
        return problems.response(request, 400, detail)
    return problems.response(request, 400, "Bad request.")


def not_found(request, exception):
    if under_api(request):
        return problems.response(request, 404, "Nothing has this address.")
    return defaults.page_not_found(request, exception)


class DebugNotFoundMiddleware:
    """With DEBUG on, Django answers an address that matches no URL (or a
    view's Http404) with its HTML debug page rather than handler404: under
    /api/ this answers what handler404 does in production instead. The API's
    own 404s are problems already and are left as they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and isinstance(response, HttpResponseNotFound)
            and under_api(request)
        ):
            return not_found(request, None)
        return response


def server_error(request):
    if under_api(request):
        return problems.response(
            request, 500, "Something went wrong on our side; it has been logged."
        )
    return defaults.server_error(request)
