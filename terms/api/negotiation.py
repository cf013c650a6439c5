"""Content negotiation: the format a read is answered in, and nothing else.

The API serves JSON, and a term also as JSON-LD. What a response holds
depends on the renderer that negotiation picks, never on the rest of the
Accept header's text: media type parameters (`q=0.123`, `indent=4`) choose
a format and are then dropped, so equivalent requests get the same bytes,
the same validator and one replayed response (terms/api/replay.py).
"""

from types import SimpleNamespace

from django.http import Http404
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.settings import api_settings

from .jsonld import JSONLDRenderer


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            renderer, _ = super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable as error:
            asked = request.headers.get("Accept", "")
            served = ", ".join(dict.fromkeys(r.media_type for r in renderers))
            raise NotAcceptable(
                f"The Accept header ({asked}) names no format this endpoint "
                f"serves: {served}.",
                available_renderers=error.available_renderers,
            ) from error
        return renderer, renderer.media_type


def renderer_lists():
    """Every list of renderers an API view negotiates over: the defaults,
    for a term the defaults and JSON-LD (TermViewSet.get_renderers), and
    for a term's citations CSL-JSON and BibTeX."""
    from .citations import RENDERERS  # it imports the views, which import this

    default = [renderer() for renderer in api_settings.DEFAULT_RENDERER_CLASSES]
    return [default, [*default, JSONLDRenderer()], [r() for r in RENDERERS]]


def negotiated(request) -> str:
    """The format each kind of API view would answer this (Django) request
    in, before any view is chosen: "json,jsonld", "json,406"…

    Requests that agree here get the same representation from any view; the
    Accept header's own text, which a client can vary without end, is left
    out.
    """
    # What DRF's negotiation reads of a request: the header and the
    # ?format= override.
    asked = SimpleNamespace(headers=request.headers, query_params=request.GET)
    negotiator = ContentNegotiation()
    formats = []
    for renderers in renderer_lists():
        try:
            renderer, _ = negotiator.select_renderer(asked, renderers)
        except (NotAcceptable, Http404):  # 406, or an unknown ?format= (400)
            formats.append("none")
        else:
            formats.append(renderer.format)
    return ",".join(formats)
