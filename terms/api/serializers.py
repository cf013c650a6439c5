from functools import cached_property

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from terms import letters
from terms.models import Alias, Category, Citation, SeeAlso, Source, Term
from terms.models.term import permalink
from terms.rendering import render_markdown
from terms.review import ReviewState


class SelectableFieldsSerializer(serializers.ModelSerializer):
    """Takes `fields=[...]` to serialize only those (validated by the view).

    Output only: its fields are read-only, and the schema marks them all
    required; `fields=` responses have a partial shape of their own
    (terms.api.openapi.SparseFields).
    """

    def __init__(self, *args, fields=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.read_only = True
        if fields is not None:
            for name in set(self.fields) - set(fields):
                self.fields.pop(name)


class CategorySummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["slug", "name"]


class AliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = Alias
        fields = ["name", "kind"]


URL_HELP = "The term in this API."
PERMALINK_HELP = "The term's page on the front-end."
LINK_HELP = "The source itself, elsewhere (http or https)."
CITATION_HELP = "The formatted line, as a page prints it."
# v1 still sends a source's first names, with the same values, deprecated.
DEPRECATED_URL_HELP = "Deprecated: the same as `link`."


class TermLinks:
    """A term's two addresses from its slug, for one request: `url` in this
    API and `permalink` on the front-end. The API's route is reversed once,
    not once a term (a thousand terms of the index would take a second)."""

    PLACEHOLDER = "__slug__"  # a slug the route takes, in no host or prefix

    def __init__(self, request):
        path = reverse("api:term-detail", kwargs={"slug": self.PLACEHOLDER})
        self.template = request.build_absolute_uri(path)

    def url(self, slug: str) -> str:
        return self.template.replace(self.PLACEHOLDER, slug)

    def __call__(self, reference: dict) -> dict:
        """A reference to a term (a dict with its `slug`) with both links."""
        slug = reference["slug"]
        return reference | {"url": self.url(slug), "permalink": permalink(slug)}


@extend_schema_field(OpenApiTypes.URI)
class TermURLField(serializers.Field):
    """The absolute API address of the term its source names."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", URL_HELP)
        super().__init__(read_only=True, **kwargs)

    @cached_property
    def links(self) -> TermLinks:
        return TermLinks(self.context["request"])

    def to_representation(self, term) -> str:
        return self.links.url(term.slug)


@extend_schema_field(OpenApiTypes.URI)
class PermalinkField(serializers.Field):
    """The front-end page of the term its source names."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", PERMALINK_HELP)
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, term) -> str:
        return permalink(term.slug)


class SeeAlsoSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(source="target.slug")
    name = serializers.CharField(source="target.name")
    summary = serializers.CharField(source="target.summary")
    url = TermURLField(source="target")
    permalink = PermalinkField(source="target")

    class Meta:
        model = SeeAlso
        fields = ["slug", "name", "summary", "url", "permalink"]


@extend_schema_serializer(deprecate_fields=["url"])
class CitationSerializer(serializers.ModelSerializer):
    """A numbered citation: the source's fields plus the formatted line."""

    number = serializers.IntegerField(help_text="1, 2, … in the editor's order.")
    id = serializers.IntegerField(source="source.id", help_text="The source's id.")
    title = serializers.CharField(source="source.title")
    authors = serializers.CharField(source="source.authors")
    publisher = serializers.CharField(source="source.publisher")
    year = serializers.IntegerField(source="source.year")
    identifier = serializers.CharField(source="source.identifier")
    link = serializers.URLField(source="source.url", help_text=LINK_HELP)
    citation = serializers.CharField(help_text=CITATION_HELP)
    url = serializers.URLField(source="source.url", help_text=DEPRECATED_URL_HELP)

    class Meta:
        model = Citation
        fields = [
            "number",
            "id",
            "title",
            "authors",
            "publisher",
            "year",
            "identifier",
            "link",
            "accessed",
            "citation",
            "url",
        ]


def numbered_citations(term: Term, role: str) -> list[Citation]:
    """The term's prefetched citations in one role, numbered from 1."""
    citations = [citation for citation in term.citations.all() if citation.role == role]
    for number, citation in enumerate(citations, start=1):
        citation.number = number
    return citations


VERSION_HELP = (
    "The number of its latest change: it grows whenever this representation "
    'changes. Send it as `If-Match: "<version>"` on a write.'
)


class TermListSerializer(SelectableFieldsSerializer):
    """The compact form lists use."""

    version = serializers.IntegerField(help_text=VERSION_HELP)

    # The route reversed once for the whole list, not once a term.
    url = TermURLField(source="*")
    permalink = PermalinkField(source="*")
    category = CategorySummarySerializer(allow_null=True)

    class Meta:
        model = Term
        fields = [
            "slug",
            "name",
            "title",
            "summary",
            "category",
            "last_reviewed",
            "updated_at",
            "url",
            "permalink",
            "version",
        ]


class TermDetailSerializer(TermListSerializer):
    definition_html = serializers.SerializerMethodField()
    example_html = serializers.SerializerMethodField()
    aliases = AliasSerializer(many=True)
    see_also = SeeAlsoSerializer(source="see_also_links", many=True)
    sources = serializers.SerializerMethodField()
    further_reading = serializers.SerializerMethodField()
    review_due = serializers.DateField(
        help_text="When the term is due for review: its last review plus the "
        "review interval, or its creation date if it was never reviewed."
    )
    review_state = serializers.ChoiceField(
        choices=ReviewState.choices, help_text="Relative to today."
    )

    class Meta:
        model = Term
        fields = [
            "slug",
            "name",
            "url",
            "permalink",
            "title",
            "summary",
            "definition",
            "definition_html",
            "example",
            "example_html",
            "category",
            "status",
            "aliases",
            "see_also",
            "sources",
            "further_reading",
            "last_reviewed",
            "review_due",
            "review_state",
            "created_at",
            "updated_at",
            "version",
        ]

    def get_definition_html(self, term) -> str:
        return render_markdown(term.definition)

    def get_example_html(self, term) -> str:
        return render_markdown(term.example)

    @cached_property
    def citation_list(self):
        """One list serializer for every term this one renders: its fields
        are set up once, not per term."""
        return CitationSerializer(many=True)

    @extend_schema_field(CitationSerializer(many=True))
    def get_sources(self, term):
        citations = numbered_citations(term, Citation.Role.SOURCE)
        return self.citation_list.to_representation(citations)

    @extend_schema_field(CitationSerializer(many=True))
    def get_further_reading(self, term):
        citations = numbered_citations(term, Citation.Role.FURTHER_READING)
        return self.citation_list.to_representation(citations)


class CitingTermSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(source="term.slug")
    name = serializers.CharField(source="term.name")
    url = TermURLField(source="term")
    permalink = PermalinkField(source="term")

    class Meta:
        model = Citation
        fields = ["slug", "name", "url", "permalink", "role"]


@extend_schema_serializer(deprecate_fields=["url", "reference"])
class SourceSerializer(SelectableFieldsSerializer):
    """A source: `api_url` is its address in this API (in v1, `url` is the
    deprecated name of `link`, its own address elsewhere)."""

    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:source-detail", help_text="The source in this API."
    )
    link = serializers.URLField(source="url", help_text=LINK_HELP)
    citation = serializers.CharField(source="reference", help_text=CITATION_HELP)
    url = serializers.URLField(help_text=DEPRECATED_URL_HELP)
    reference = serializers.CharField(help_text="Deprecated: the same as `citation`.")
    cited_by = CitingTermSerializer(source="citations", many=True)
    version = serializers.IntegerField(help_text=VERSION_HELP)

    class Meta:
        model = Source
        fields = [
            "id",
            "key",
            "api_url",
            "title",
            "authors",
            "publisher",
            "year",
            "identifier",
            "link",
            "kind",
            "citation",
            "cited_by",
            "updated_at",
            "version",
            "url",
            "reference",
        ]


class CategorySerializer(SelectableFieldsSerializer):
    term_count = serializers.IntegerField(help_text="Published terms in it.")

    class Meta:
        model = Category
        fields = ["slug", "name", "description", "term_count"]


class IndexTermSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.URLField(help_text=URL_HELP)
    permalink = serializers.URLField(help_text=PERMALINK_HELP)


LETTER_HELP = "A to Z, or 0-9 for a name that starts with anything else."


class IndexLetterSerializer(serializers.Serializer):
    letter = serializers.ChoiceField(letters.CHOICES, help_text=LETTER_HELP)
    count = serializers.IntegerField(help_text="Terms filed under the letter.")
    url = serializers.URLField(help_text="The letter's page: its terms, paged.")
    terms = IndexTermSerializer(
        many=True,
        required=False,
        help_text="Every term of the letter, in order; only when `inline` is true.",
    )


class IndexSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Terms in the whole index.")
    inline = serializers.BooleanField(
        help_text="Whether each letter holds its `terms`: true up to the server's "
        "GLOSSARY_INDEX_INLINE_MAX terms (1,000 by default). When false, each "
        "letter has its `count` and its `url` only."
    )
    letters = IndexLetterSerializer(many=True, help_text="Only letters with terms.")


class IndexLetterPageSerializer(serializers.Serializer):
    letter = serializers.ChoiceField(letters.CHOICES, help_text=LETTER_HELP)
    count = serializers.IntegerField(help_text="Terms filed under the letter.")
    pages = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="How many numbered pages the letter has at this `page_size` "
        "(1 for a letter without terms); a cursor walk's pages leave it out.",
    )
    next = serializers.URLField(
        allow_null=True, help_text="The letter's next page; null on its last."
    )
    previous = serializers.URLField(
        allow_null=True, help_text="The letter's previous page; null on its first."
    )
    terms = IndexTermSerializer(many=True, help_text="This page's terms, in order.")


class SuggestionSerializer(serializers.Serializer):
    match = serializers.CharField(help_text="The name or alias that matched.")
    slug = serializers.CharField()
    name = serializers.CharField(help_text="The term's name.")
    url = serializers.URLField(help_text=URL_HELP)
    permalink = serializers.URLField(help_text=PERMALINK_HELP)


class SuggestionsSerializer(serializers.Serializer):
    query = serializers.CharField()
    results = SuggestionSerializer(many=True)
