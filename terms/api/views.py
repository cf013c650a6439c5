from django.http import Http404, HttpResponsePermanentRedirect
from rest_framework import viewsets

from terms.models import OldSlug, Term

from .serializers import TermDetailSerializer, TermListSerializer


class TermViewSet(viewsets.ReadOnlyModelViewSet):
    """Glossary terms: a compact paginated list, and each term in full."""

    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self):
        visible = Term.objects.visible_to(self.request.user)
        if self.action == "retrieve":
            return visible.with_related(linkable=visible)
        return visible.select_related("category")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return TermDetailSerializer
        return TermListSerializer

    def retrieve(self, request, *args, **kwargs):
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            old = OldSlug.objects.filter(
                slug=kwargs["slug"],
                term__in=Term.objects.visible_to(request.user),
            ).select_related("term")
            if not (old := old.first()):
                raise
            location = old.term.get_absolute_url()
            if query := request.META.get("QUERY_STRING"):
                location = f"{location}?{query}"
            return HttpResponsePermanentRedirect(location)
