"""503 Service Unavailable, with Retry-After, while the database is down.

A view that cannot reach the database raises OperationalError (connection
refused, a lock timeout…) or InterfaceError (a connection already closed):
conditions that pass, not bugs. The middleware answers those with a 503 that
tells clients and caches when to retry, instead of a 500; any other database
error is still a 500. It catches what views raise, which covers REST
framework (it re-raises what its handler does not know) and the write
transaction ConditionalGetMixin opens; the replay middleware, which reads
the log's head before any view runs, lets such a request through to
the view (terms/api/replay.py).
"""

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse

from terms.outages import Outage

from .errors import error_response

UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10
DETAIL = "The database is unavailable. Retry in a few seconds."

outage = Outage("The database", "answering 503 Service Unavailable")


def database_unavailable(request) -> HttpResponse:
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return error_response(request, 503, DETAIL, headers)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, UNAVAILABLE):
            return None
        outage.failed(exception)
        return database_unavailable(request)
