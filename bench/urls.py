"""The project's URLs plus the benchmark's baseline: Django's floor on this
server, with the same middleware and settings, and no database or DRF."""

from django.http import JsonResponse
from django.urls import path

from glossary_api.urls import handler404, handler500, urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def baseline(request):
    return JsonResponse({"status": "ok", "glossary": "baseline"})


urlpatterns = [path("bench/baseline/", baseline, name="bench-baseline"), *urlpatterns]
