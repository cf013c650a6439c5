"""JSON error pages under /api/, where a front-end expects JSON, not HTML."""

from django.conf import settings
from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.http import HttpResponse, HttpResponseNotFound, JsonResponse
from django.views import defaults


def error_response(request, status: int, detail: str, headers=None) -> HttpResponse:
    """An error answered before any view (or instead of one): JSON under
    /api/, plain text elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=status, headers=headers)
    return HttpResponse(
        detail, status=status, headers=headers, content_type="text/plain; charset=utf-8"
    )


def bad_request(request, exception):
    if request.path.startswith("/api/"):
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse(
                {"detail": "The request body is too large."}, status=413
            )
        if isinstance(exception, DisallowedHost):
            return JsonResponse(
                {"detail": "The Host header names a host this site does not serve."},
                status=400,
            )
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def not_found(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


class DebugNotFoundMiddleware:
    """With DEBUG on, Django answers an address that matches no URL (or a
    view's Http404) with its HTML debug page rather than handler404: under
    /api/ this answers what handler404 does in production instead. REST
    framework's own 404s (its Response, JSON or the browsable API) are left
    as they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and isinstance(response, HttpResponseNotFound)
            and request.path.startswith("/api/")
        ):
            return not_found(request, None)
        return response


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    return defaults.server_error(request)
