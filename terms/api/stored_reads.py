"""Public term reads served from stored documents (terms/changes/documents.py):
no serializer runs, and a page's validator comes from its members' versions."""

import json

from django.http import HttpResponse
from rest_framework.response import Response

from terms.changes import documents

from .jsonld import JSONLDRenderer


def picked(document: dict, fields: list[str] | None) -> dict:
    if fields is None:
        return document
    return {name: value for name, value in document.items() if name in fields}


class StoredReadsMixin:
    """For the terms viewset: anonymous JSON and JSON-LD reads send stored
    documents; editors' reads (drafts) and the browsable API render live."""

    def stored(self) -> bool:
        """Whether this read is served from stored documents."""
        formats = ("json", JSONLDRenderer.format)
        return not self.drafts() and self.request.accepted_renderer.format in formats

    def read_version(self):
        if self.action == "retrieve" and self.stored():
            form = self.request.accepted_renderer.format
            self.document = documents.by_slug(self.kwargs["slug"], form)
            if self.document is None:
                return None
            self.shown = self.document.term_id
            return self.document.version
        return super().read_version()

    def list(self, request, *args, **kwargs):
        if not self.stored():
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        ids = [row["pk"] for row in self.paginate_queryset(queryset.values("pk"))]
        stored = documents.by_ids(
            ids, "json" if self.whole_terms_listed() else "compact"
        )
        ids = [pk for pk in ids if pk in stored]  # unpublished meanwhile
        shown = [(pk, stored[pk].version.number) for pk in ids]
        self.conditional(*self.page_version(shown))
        fields = self.selected_fields()
        data = [picked(json.loads(stored[pk].served(request)), fields) for pk in ids]
        return self.get_paginated_response(data)

    def paginate_queryset(self, queryset):
        if not self.stored():
            return super().paginate_queryset(queryset)
        return self.paginator.paginate_queryset(queryset, self.request, view=self)

    def retrieve_stored(self, request):
        """The document read_version() found; for none, an old slug's redirect."""
        if self.document is None:
            return self.redirect_old_slug(request, self.kwargs["slug"])
        body = self.document.served(request)
        fields = self.selected_fields()
        if fields is not None and request.accepted_renderer.format == "json":
            return Response(picked(json.loads(body), fields))
        return HttpResponse(body, content_type=request.accepted_renderer.media_type)
