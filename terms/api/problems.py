"""Every error under /api/ as an RFC 9457 problem: one body, one media type.

```json
{"type": "about:blank", "title": "Bad Request", "status": 400,
 "detail": "letter: Select a valid choice. Z9 is not one of the available choices.",
 "instance": "/api/v1/terms/",
 "errors": [{"param": "letter", "detail": "Select a valid choice. …",
             "code": "invalid_choice"}]}
```

`type` is `about:blank` (RFC 9457, 4.2.1): the status says what kind of
problem it is, and `title` is that status's phrase. `detail` says what was
wrong in words a front-end can show. `errors` (this API's extension, always
present, often empty) lists each bad query parameter (`param`) or request
body member (`pointer`, a JSON Pointer into the body, "" for the body as a
whole), each with its message and a stable `code`.

The body is always `application/problem+json`, whatever the request's
Accept header asked for: an error is sent rather than a 406 about it (RFC
9110, 15.5.7, lets a server disregard Accept).

REST framework's exceptions come here through `exception_handler`
(REST_FRAMEWORK["EXCEPTION_HANDLER"]); what Django answers outside a view
(terms/api/errors.py), the middlewares (an overlong address, the database
down, a failed precondition on a replayed read) call `response()`.
"""

import json
from collections.abc import Iterator
from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from rest_framework import exceptions
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

MEDIA_TYPE = "application/problem+json"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Django's name for a form's errors that belong to no one field (django-filter
# reports a filter set's as such), and REST framework's for a serializer's.
NOT_A_FIELD = ("__all__", api_settings.NON_FIELD_ERRORS_KEY)


class ParameterError(exceptions.ValidationError):
    """A 400 about query parameters, on a write as on a read (where every
    validation error is about them: a read has no body)."""


def title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem(request, status: int, detail: str, errors=()) -> dict:
    return {
        "type": "about:blank",
        "title": title(status),
        "status": status,
        "detail": detail,
        "instance": request.path,
        "errors": list(errors),
    }


def response(request, status: int, detail: str, errors=(), headers=None):
    """The problem response itself."""
    body = json.dumps(problem(request, status, detail, errors), ensure_ascii=False)
    return HttpResponse(
        body.encode(), status=status, headers=headers, content_type=MEDIA_TYPE
    )


def flattened(detail, path=()) -> Iterator[tuple[tuple[str, ...], object]]:
    """Each message of a (nested) REST framework error detail, with where it
    belongs: field names and list positions, outermost first."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            inner = path if key in NOT_A_FIELD else (*path, str(key))
            yield from flattened(value, inner)
    elif isinstance(detail, list):
        for position, item in enumerate(detail):
            nested = isinstance(item, dict | list)
            yield from flattened(item, (*path, str(position)) if nested else path)
    else:
        yield path, detail


def pointer(path: tuple[str, ...]) -> str:
    """A JSON Pointer (RFC 6901) to a member of the request body."""
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in path)


def listed(detail, in_parameters: bool) -> list[dict]:
    errors = []
    for path, message in flattened(detail):
        if in_parameters:
            where = {"param": path[0]} if path else {}
        else:
            where = {"pointer": pointer(path)}
        code = getattr(message, "code", None) or "invalid"
        errors.append(where | {"detail": str(message), "code": code})
    return errors


def summary(errors: list[dict], in_parameters: bool) -> str:
    """One sentence naming what was wrong: the message itself when there is
    one, else each parameter or field."""

    def named(error):
        return error.get("param") or error.get("pointer", "").lstrip("/")

    names = list(dict.fromkeys(named(e) for e in errors))
    said = " ".join(e["detail"] for e in errors)
    if len(names) == 1:
        return f"{names[0]}: {said}" if names[0] else said
    kind = "query parameters" if in_parameters else "fields"
    listed = ", ".join(name or "(the whole request)" for name in names)
    return f"Check these {kind}: {listed}."


def exception_handler(exc, context):
    """REST framework's exceptions as problems; anything else is raised on
    (a 500 from Django's handler, or a 503 from terms/api/unavailable.py)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    if not isinstance(exc, exceptions.APIException):
        return None
    request = context["request"]
    headers = {}
    if auth_header := getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = auth_header
    if wait := getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(wait))
    if isinstance(exc.detail, dict | list):
        in_parameters = (
            isinstance(exc, ParameterError) or request.method in SAFE_METHODS
        )
        errors = listed(exc.detail, in_parameters)
        detail = summary(errors, in_parameters)
    else:
        errors, detail = [], str(exc.detail)
    set_rollback()
    if isinstance(getattr(request, "accepted_renderer", None), BrowsableAPIRenderer):
        # In development, a browser keeps the browsable API's page, the
        # problem shown on it.
        body = problem(request, exc.status_code, detail, errors)
        return Response(body, status=exc.status_code, headers=headers)
    return response(request, exc.status_code, detail, errors, headers)
