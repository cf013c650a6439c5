"""/healthz: each dependency's state, for load balancers and orchestrators.

The database is required: without it the answer is 503 (take this process
out of rotation). The shared cache is not: without it the site serves from
the database with rate limits not enforced (terms/cache.py), so the answer
stays 200, with "status": "degraded" and "cache": "unreachable".
"""

import logging

from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils.crypto import get_random_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)
PROBE_KEY = "healthz:probe"


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.warning("Health check: the database is unreachable: %s", error)
        return "unreachable"
    return "ok"


def cache_state() -> str:
    """ "ok" when every configured cache keeps what it is given; a cache that
    cannot reach its server keeps nothing."""
    for cache in caches.all():
        token = get_random_string(12)
        cache.set(PROBE_KEY, token, 10)
        if cache.get(PROBE_KEY) != token:
            return "unreachable"
    return "ok"


@require_safe
@never_cache
def healthz(request):
    states = {"database": database_state(), "cache": cache_state()}
    if states["database"] != "ok":
        return JsonResponse({"status": "error", **states}, status=503)
    status = "ok" if states["cache"] == "ok" else "degraded"
    return JsonResponse({"status": status, **states})
