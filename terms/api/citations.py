"""GET /api/v1/terms/{slug}/citations/: what a term cites, as BibTeX or
CSL-JSON (terms/citations.py), chosen by ?format= or Accept."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, renderers
from rest_framework.response import Response

from terms import citations
from terms.changes import versions
from terms.changes.models import Change
from terms.models import Term

from .views import ReadMixin


class CSLJSONRenderer(renderers.JSONRenderer):
    media_type = "application/vnd.citationstyles.csl+json"
    format = "csl-json"
    charset = None  # JSON is UTF-8 by definition


class BibTeXRenderer(renderers.BaseRenderer):
    media_type = "application/x-bibtex"
    format = "bibtex"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data.encode() if isinstance(data, str) else b""


RENDERERS = [CSLJSONRenderer, BibTeXRenderer]
FORMATS = {
    CSLJSONRenderer.format: (citations.csl_json, "json"),
    BibTeXRenderer.format: (citations.bibtex, "bib"),
}


NAME = {
    "type": "object",
    "description": "A name: family, or as cited (`literal`, with et al.).",
    "properties": {"family": {"type": "string"}, "literal": {"type": "string"}},
}
CSL_ITEMS = OpenApiResponse(
    response={
        "type": "array",
        "items": {
            "type": "object",
            "description": "A CSL-JSON item (citationstyles.org).",
            "required": ["id", "type", "title", "author", "issued", "URL"],
            "properties": {
                "id": {"type": "string", "description": "The source's key."},
                "type": {
                    "type": "string",
                    "enum": sorted({kind[2] for kind in citations.KINDS.values()}),
                },
                "title": {"type": "string"},
                "author": {"type": "array", "items": NAME},
                "issued": {
                    "type": "object",
                    "properties": {
                        "date-parts": {
                            "type": "array",
                            "items": {"type": "array", "items": {"type": "integer"}},
                        }
                    },
                },
                "publisher": {"type": "string"},
                "container-title": {"type": "string"},
                "archive": {"type": "string", "enum": ["arXiv"]},
                "number": {"type": "string", "description": "The arXiv id."},
                "DOI": {"type": "string"},
                "URL": {"type": "string", "format": "uri"},
            },
        },
    },
    description="CSL-JSON: the items a reference manager imports.",
)


class TermCitationsView(ReadMixin, generics.GenericAPIView):
    renderer_classes = RENDERERS
    pagination_class = None

    def get_queryset(self):
        visible = Term.objects.visible_to(self.request.user)
        return visible.with_related(linkable=visible)

    def read_version(self):
        slug = self.kwargs["slug"]
        return versions.of_key(
            Change.Kind.TERM, Term, "slug", slug, drafts=self.drafts()
        )

    @extend_schema(
        summary="A term's sources and further reading, to cite",
        description="BibTeX (`?format=bibtex` or `Accept: application/x-bibtex`) "
        "or CSL-JSON (`?format=csl-json` or `Accept: "
        "application/vnd.citationstyles.csl+json`, the default): the term's "
        "numbered sources, then its further reading, each source once.",
        responses={
            (200, CSLJSONRenderer.media_type): CSL_ITEMS,
            (200, BibTeXRenderer.media_type): OpenApiResponse(
                OpenApiTypes.STR, description="BibTeX entries."
            ),
        },
    )
    def get(self, request, slug):
        term = self.get_queryset().filter(slug=slug).first()
        if term is None:
            raise Http404("No term has this slug.")
        self.shown = term.pk
        export, extension = FORMATS[request.accepted_renderer.format]
        disposition = f'inline; filename="{term.slug}.{extension}"'
        return Response(export(term), headers={"Content-Disposition": disposition})
