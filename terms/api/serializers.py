from functools import cached_property

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from terms.models import Alias, Category, Citation, SeeAlso, Source, Term
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


@extend_schema_field(OpenApiTypes.URI)
class TermURLField(serializers.Field):
    """The absolute API address of the term its source names."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, term) -> str:
        return self.context["request"].build_absolute_uri(term.get_absolute_url())


class SeeAlsoSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(source="target.slug")
    name = serializers.CharField(source="target.name")
    summary = serializers.CharField(source="target.summary")
    url = TermURLField(source="target")

    class Meta:
        model = SeeAlso
        fields = ["slug", "name", "summary", "url"]


class CitationSerializer(serializers.ModelSerializer):
    """A numbered citation: the source's fields plus the formatted line."""

    number = serializers.IntegerField(help_text="1, 2, … in the editor's order.")
    id = serializers.IntegerField(source="source.id", help_text="The source's id.")
    title = serializers.CharField(source="source.title")
    authors = serializers.CharField(source="source.authors")
    publisher = serializers.CharField(source="source.publisher")
    year = serializers.IntegerField(source="source.year")
    identifier = serializers.CharField(source="source.identifier")
    url = serializers.URLField(source="source.url")
    citation = serializers.CharField(help_text="The line as a page prints it.")

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
            "url",
            "accessed",
            "citation",
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

    url = serializers.HyperlinkedIdentityField(
        view_name="api:term-detail", lookup_field="slug"
    )
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
            "version",
        ]


class TermDetailSerializer(TermListSerializer):
    permalink = serializers.CharField(help_text="The term's page on the front-end.")
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

    class Meta:
        model = Citation
        fields = ["slug", "name", "url", "role"]


class SourceSerializer(SelectableFieldsSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:source-detail")
    reference = serializers.CharField(help_text="The formatted reference line.")
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
            "url",
            "kind",
            "reference",
            "cited_by",
            "updated_at",
            "version",
        ]


class CategorySerializer(SelectableFieldsSerializer):
    term_count = serializers.IntegerField(help_text="Published terms in it.")

    class Meta:
        model = Category
        fields = ["slug", "name", "description", "term_count"]


class IndexTermSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


LETTER_HELP = "A to Z, or 0-9 for a name that starts with anything else."


class IndexLetterSerializer(serializers.Serializer):
    letter = serializers.CharField(help_text=LETTER_HELP)
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
    letter = serializers.CharField(help_text=LETTER_HELP)
    count = serializers.IntegerField(help_text="Terms filed under the letter.")
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


class SuggestionsSerializer(serializers.Serializer):
    query = serializers.CharField()
    results = SuggestionSerializer(many=True)
