import hashlib
from collections import defaultdict
from collections.abc import Sequence

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from terms import letters, rights
from terms.changes import keys, versions
from terms.changes.versions import Version
from terms.models import Category, Change, OldSlug, Source, Term
from terms.models.term import VECTORS, sees_drafts
from terms.search import suggest

from . import schema
from .filters import SourceFilter, TermFilter
from .freshness import ConditionalGetMixin
from .jsonld import JSONLDRenderer, term_page
from .pagination import LetterPagination
from .params import FieldSelectionMixin, StrictQueryParametersMixin
from .search_pagination import TermPagination
from .serializers import (
    CategorySerializer,
    IndexLetterPageSerializer,
    IndexSerializer,
    SourceSerializer,
    SuggestionsSerializer,
    TermDetailSerializer,
    TermLinks,
    TermListSerializer,
)
from .stored_reads import StoredReadsMixin
from .write_serializers import SourceWriteSerializer, TermWriteSerializer
from .writes import WritableMixin


class ReadMixin(ConditionalGetMixin, StrictQueryParametersMixin):
    """What every read endpoint does: strict parameters, then validators."""

    version_kind = Change.Kind.TERM

    def drafts(self) -> bool:
        return sees_drafts(self.request.user)

    def read_version(self):
        return versions.of_kind(self.version_kind, drafts=self.drafts())

    def surrogate_keys(self):
        shown = getattr(self, "shown", None)  # the one resource it shows
        if shown is not None:
            return [keys.resource(self.version_kind, shown)]
        return [keys.collection(self.version_kind)]


class VersionedMixin(ReadMixin):
    """A collection of resources of `version_kind` and each one: every
    object shown carries its `version`, and a write compares its own."""

    def read_version(self):
        if self.action == "list":
            return None  # the page's members decide (list())
        if self.action != "retrieve":
            return super().read_version()
        field = self.lookup_field
        model = self.get_queryset().model
        return versions.of_key(
            self.version_kind, model, field, self.kwargs[field], drafts=self.drafts()
        )

    def get_object(self):
        found = super().get_object()
        self.shown = found.pk
        return versions.stamp([found], self.version_kind, drafts=self.drafts())[0]

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return versions.stamp(page, self.version_kind, drafts=self.drafts())

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self.conditional(*self.page_version([(o.pk, o.version) for o in page]))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def page_version(self, shown: Sequence[tuple[int, int]]) -> tuple[Version, str]:
        """A list page's version: its latest member's, and which members at
        which versions it shows (so that one leaving the page changes it).
        Last modified: when a resource of the kind that this reader sees
        last changed (a page's members may be older than one that left)."""
        latest = max((number for _, number in shown), default=0)
        # A cursor page also says whether pages follow (its `next` link).
        state = self.paginator.validator_state
        described = repr((shown, state) if state else shown)
        members = hashlib.blake2b(described.encode(), digest_size=8).hexdigest()
        changed_at = versions.of_kind(self.version_kind, drafts=self.drafts())
        return Version(latest, changed_at.changed_at), members

    def own_version(self):
        written = getattr(self, "written", None) or self.get_object()
        return versions.of(self.version_kind, written.pk, drafts=True)


@extend_schema_view(
    list=extend_schema(
        summary="List terms",
        description="Each term compact by default: "
        + ", ".join(f"`{name}`" for name in TermListSerializer.Meta.fields)
        + ". `fields` may name any field of a term in full (`definition_html`, "
        "`see_also`, `sources`…), so that a static build reads whole terms a "
        "page at a time.",
        parameters=[schema.fields_parameter(TermDetailSerializer)],
        responses={
            200: schema.sparse(
                TermListSerializer, partial_class=TermDetailSerializer, many=True
            ),
        },
    ),
    retrieve=extend_schema(
        summary="One term in full",
        description="Also served as schema.org JSON-LD with "
        "`Accept: application/ld+json` or `?format=jsonld`. "
        "An old slug answers 301 with the current URL in `Location`.",
        parameters=[schema.fields_parameter(TermDetailSerializer)],
        responses={
            (200, "application/json"): schema.sparse(TermDetailSerializer),
            (200, "application/ld+json"): schema.TERM_JSONLD,
            301: schema.REDIRECT,
        },
    ),
    **schema.writes("term", TermWriteSerializer, TermDetailSerializer),
)
class TermViewSet(
    WritableMixin,
    FieldSelectionMixin,
    StoredReadsMixin,
    VersionedMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Glossary terms: a compact paginated list, each term in full, and
    writes for editors' tools."""

    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filterset_class = TermFilter
    pagination_class = TermPagination
    serializer_class = TermDetailSerializer
    write_serializer_class = TermWriteSerializer

    def get_queryset(self):
        visible = Term.objects.visible_to(self.request.user)
        if self.action == "retrieve" or self.whole_terms_listed():
            return visible.with_related(linkable=visible)
        # The compact list shows none of the long text.
        compact = visible.defer("definition", "example", *VECTORS)
        return compact.select_related("category")

    def get_serializer_class(self):
        if self.action == "retrieve" or self.whole_terms_listed():
            return TermDetailSerializer
        if self.action == "list":
            return TermListSerializer
        return super().get_serializer_class()

    def selectable_fields(self) -> list[str]:
        """The list's `fields` may name any field of a term: a static build
        gets whole terms a page at a time."""
        if self.action == "list":
            return TermDetailSerializer.Meta.fields
        return super().selectable_fields()

    def whole_terms_listed(self) -> bool:
        """Whether the list's `fields` name more than its compact items hold."""
        if self.action != "list" or self.request.method not in ("GET", "HEAD"):
            return False
        fields = self.selected_fields()
        return fields is not None and not set(fields) <= set(
            TermListSerializer.Meta.fields
        )

    def read_representation(self, term):
        self.written = term
        visible = Term.objects.visible_to(self.request.user)
        term = visible.with_related(linkable=visible).get(pk=term.pk)
        versions.stamp([term], Change.Kind.TERM, drafts=True)
        return TermDetailSerializer(term, context=self.get_serializer_context()).data

    def save_extra(self, serializer):
        """Publishing and reviewing are reviewers' rights, as in the admin."""
        data, term = serializer.validated_data, serializer.instance
        before = {
            "status": term.status if term else Term.Status.DRAFT,
            "last_reviewed": term.last_reviewed if term else None,
        }
        changed = {
            name for name in before if name in data and data[name] != before[name]
        }
        if refused := rights.refused_changes(self.request.user, changed):
            raise PermissionDenied(refused)
        return {"reviewed_by": self.request.user} if "last_reviewed" in changed else {}

    def get_renderers(self):
        renderers = super().get_renderers()
        if self.action == "retrieve":
            renderers.append(JSONLDRenderer())
        return renderers

    def retrieve(self, request, *args, **kwargs):
        if self.stored():
            return self.retrieve_stored(request)
        try:
            term = self.get_object()
        except Http404:
            return self.redirect_old_slug(request, kwargs["slug"])
        if request.accepted_renderer.format == JSONLDRenderer.format:
            return Response(term_page(term))
        return Response(self.get_serializer(term).data)

    def redirect_old_slug(self, request, slug):
        old = (
            OldSlug.objects.filter(
                slug=slug, term__in=Term.objects.visible_to(request.user)
            )
            .select_related("term")
            .first()
        )
        if old is None:
            raise Http404("No term has this slug.")
        # Cacheable while no term the reader sees changes (a rename would).
        self.conditional(versions.of_kind(Change.Kind.TERM, drafts=self.drafts()))
        location = old.term.get_absolute_url()
        if query := request.META.get("QUERY_STRING"):
            location = f"{location}?{query}"
        return HttpResponsePermanentRedirect(location)


@extend_schema_view(
    **schema.reads(
        "sources", "One source with the terms citing it", SourceSerializer, schema.ID
    ),
    **schema.writes("source", SourceWriteSerializer, SourceSerializer, schema.ID),
)
class SourceViewSet(
    WritableMixin, FieldSelectionMixin, VersionedMixin, viewsets.ReadOnlyModelViewSet
):
    """Sources (citations' targets), each with the terms that cite it."""

    version_kind = Change.Kind.SOURCE

    serializer_class = SourceSerializer
    write_serializer_class = SourceWriteSerializer
    filterset_class = SourceFilter
    lookup_value_regex = "[0-9]+"

    def read_representation(self, source):
        self.written = source
        source = self.get_queryset().get(pk=source.pk)
        versions.stamp([source], Change.Kind.SOURCE, drafts=True)
        return SourceSerializer(source, context=self.get_serializer_context()).data

    def get_queryset(self):
        return Source.objects.with_citing(Term.objects.visible_to(self.request.user))


@extend_schema_view(**schema.reads("categories", "One category", CategorySerializer))
class CategoryViewSet(
    FieldSelectionMixin, VersionedMixin, viewsets.ReadOnlyModelViewSet
):
    """Categories with the number of published terms in each."""

    version_kind = Change.Kind.CATEGORY
    serializer_class = CategorySerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self):
        return Category.objects.with_term_counts()


class IndexView(ReadMixin, generics.GenericAPIView):
    """The A–Z index: each letter with terms, its count and its page; while
    the glossary is small (GLOSSARY_INDEX_INLINE_MAX), every term too, so
    that a glossary page needs this one request."""

    pagination_class = None
    serializer_class = IndexSerializer

    def get_queryset(self):
        return Term.objects.visible_to(self.request.user)

    @extend_schema(
        summary="The A–Z index",
        responses={200: IndexSerializer},
    )
    def get(self, request):
        terms = self.get_queryset()
        counts = letters.counts(terms)
        inline = sum(counts.values()) <= settings.GLOSSARY_INDEX_INLINE_MAX
        if inline:
            groups, linked = defaultdict(list), TermLinks(request)
            # In the index's order (Term.Meta.ordering: the folded name).
            for name, slug, folded in terms.values_list("name", "slug", "name_order"):
                entry = linked({"name": name, "slug": slug})
                groups[letters.letter_of(folded)].append(entry)
            counts = {letter: len(found) for letter, found in groups.items()}
        index = []
        for letter in letters.CHOICES:
            if not counts.get(letter):
                continue
            url = reverse("api:index-letter", kwargs={"letter": letter})
            entry = {
                "letter": letter,
                "count": counts[letter],
                "url": request.build_absolute_uri(url),
            }
            index.append(entry | ({"terms": groups[letter]} if inline else {}))
        total = sum(counts.values())
        return Response({"count": total, "inline": inline, "letters": index})


class IndexLetterView(ReadMixin, generics.GenericAPIView):
    """One letter of the A–Z index: its terms' names and slugs, in pages."""

    pagination_class = LetterPagination
    serializer_class = IndexLetterPageSerializer

    def get_queryset(self):
        terms = Term.objects.visible_to(self.request.user)
        return letters.filed_under(terms, self.kwargs["letter"])

    @extend_schema(
        operation_id="v1_index_letter_retrieve",
        summary="One letter of the A–Z index",
        description="The terms filed under one letter, in the index's order, "
        "a page at a time: numbered pages (`page`), or a walk by each page's "
        "`next` link (`pagination=cursor`), as on the term list. The index "
        "links each of its letters here.",
        parameters=[schema.LETTER, *schema.pagination_parameters(LetterPagination)],
        responses={
            200: IndexLetterPageSerializer,
            **schema.problems(
                {
                    404: "The index has no such letter (its letters are A–Z and "
                    "0-9), or the page number is past the letter's last page "
                    "(`errors` then names `page`)."
                }
            ),
        },
    )
    def get(self, request, letter):
        if letter not in letters.CHOICES:
            raise NotFound(
                f"The index has no letter {letter!r}: its letters are A–Z and 0-9."
            )
        terms = self.get_queryset().values("name", "slug")
        page = self.paginate_queryset(terms)
        count, pages = self.paginator.count, self.paginator.page_count
        return Response(
            {
                "letter": letter,
                "count": terms.count() if count is None else count,
                **({} if pages is None else {"pages": pages}),
                "next": self.paginator.get_next_link(),
                "previous": self.paginator.get_previous_link(),
                "terms": list(map(TermLinks(request), page)),
            }
        )


class AutocompleteQuery(serializers.Serializer):
    q = serializers.CharField(
        max_length=100,
        help_text="The prefix typed so far (any case, accents optional).",
    )
    limit = serializers.IntegerField(
        min_value=1, max_value=10, default=10, help_text="At most this many (1–10)."
    )


class AutocompleteView(ReadMixin, generics.GenericAPIView):
    """Suggestions whose name or alias starts with what was typed."""

    pagination_class = None
    serializer_class = SuggestionsSerializer
    query_parameters = ("q", "limit")

    def read_version(self):
        return None  # what it suggests decides (get())

    def get_queryset(self):
        return Term.objects.visible_to(self.request.user)

    @extend_schema(
        summary="Autocomplete term names and aliases",
        parameters=[AutocompleteQuery],
        responses={200: SuggestionsSerializer},
    )
    def get(self, request):
        query = AutocompleteQuery(data=request.query_params)
        query.is_valid(raise_exception=True)  # a 400 naming each parameter
        prefix, limit = query.validated_data["q"], query.validated_data["limit"]
        suggestions = suggest(self.get_queryset(), prefix, limit)
        # The validator is what it suggests: it changes only when a term it
        # shows (or would show) does. Dated by the latest term change.
        latest = super().read_version()
        shown = hashlib.blake2b(repr(suggestions).encode(), digest_size=8).hexdigest()
        self.conditional(Version(0, latest.changed_at), shown)
        results = list(map(TermLinks(request), suggestions))
        return Response({"query": prefix, "results": results})
