"""Query parameters of the list endpoints. A bad value is a 400, never ignored."""

from datetime import UTC, datetime

from django import forms
from django.db.models import F
from django_filters import rest_framework as filters
from django_filters.fields import BaseCSVWidget
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from terms import letters
from terms.models import Category, Source, Term
from terms.search import search
from terms.validators import EARLIEST_YEAR, in_utc

# Dates in the query are ISO 8601 only, not the admin locale's formats.
ISO_DATE = ["%Y-%m-%d"]


class StrictBooleanField(forms.TypedChoiceField):
    """true/false (or 1/0); anything else is an error, not "no filter"."""

    def __init__(self, **kwargs):
        kwargs.pop("empty_value", None)
        super().__init__(
            choices=[(v, v) for v in ("true", "false", "1", "0")],
            coerce=lambda value: value in {"true", "1"},
            **kwargs,
        )


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(filters.Filter):
    # Not django-filter's BooleanFilter: its widget turns "maybe" into "unset".
    field_class = StrictBooleanField


class UTCDateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 date-time, compared in UTC: ISO 8601 allows offsets up to
    ±23:59 where PostgreSQL stops at ±15:59 (a 500, not a filter)."""

    def filter(self, qs, value):
        if value is not None:
            try:
                value = in_utc(value)
            except ValueError:  # past the first or the last year, in UTC
                value = datetime.min if value.year == 1 else datetime.max
                value = value.replace(tzinfo=UTC)
        return super().filter(qs, value)


class IntegerFilter(filters.NumberFilter):
    field_class = forms.IntegerField


class RepeatedCSVWidget(BaseCSVWidget, forms.TextInput):
    """Values given as `a,b`, as `name=a&name=b` (what generated clients send
    for an array), or both."""

    def value_from_datadict(self, data, files, name):
        if not hasattr(data, "getlist") or name not in data:
            return super().value_from_datadict(data, files, name)
        return [part for value in data.getlist(name) for part in value.split(",")]


class MultiValueFilter(filters.BaseCSVFilter):
    """A filter that takes several values: StrictQueryParametersMixin lets
    it be repeated, and the schema declares it exploded."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", RepeatedCSVWidget)
        super().__init__(*args, **kwargs)


class NullsFirstOrderingFilter(MultiValueFilter, filters.OrderingFilter):
    """Ordering that is the same on every database and always deterministic.

    A never-reviewed term sorts as the oldest review, and ties fall back to
    the name, so pages never overlap or skip.
    """

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        name = self.param_map[param.lstrip("-")]
        field = F("name_order" if name == "name" else name)
        if descending:
            return field.desc(nulls_last=True)
        return field.asc(nulls_first=True)

    def filter(self, qs, value):
        if not value:
            return qs
        if not all(value):
            raise ValidationError({"ordering": ["A field name is empty."]})
        ordering = [self.get_ordering_value(param) for param in value]
        return qs.order_by(*ordering, "name_order", "name", "id")


class TermFilter(filters.FilterSet):
    search = filters.CharFilter(
        method="filter_search",
        max_length=200,
        label="Words to search for in names, aliases, summaries and definitions; "
        "results are ranked by relevance unless `ordering` is given.",
    )
    category = filters.ModelChoiceFilter(
        queryset=Category.objects.all(),
        to_field_name="slug",
        label="A category's slug.",
    )
    letter = filters.ChoiceFilter(
        choices=[(choice, choice) for choice in letters.CHOICES],
        method="filter_letter",
        label="Terms filed under this letter of the A–Z index (A–Z, or 0-9).",
    )
    updated_since = UTCDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Terms changed at or after this ISO 8601 date-time.",
    )
    reviewed_before = filters.DateFilter(
        input_formats=ISO_DATE,
        field_name="last_reviewed",
        lookup_expr="lt",
        label="Terms last reviewed before this date (YYYY-MM-DD).",
    )
    reviewed_after = filters.DateFilter(
        input_formats=ISO_DATE,
        field_name="last_reviewed",
        lookup_expr="gt",
        label="Terms last reviewed after this date (YYYY-MM-DD).",
    )
    never_reviewed = StrictBooleanFilter(
        field_name="last_reviewed",
        lookup_expr="isnull",
        label="true: only terms never reviewed; false: only reviewed terms.",
    )
    review_overdue = StrictBooleanFilter(
        method="filter_review_overdue",
        label="true: terms whose review is past due (never-reviewed terms are "
        "due from their creation); false: the others.",
    )
    source = filters.ModelChoiceFilter(
        queryset=Source.objects.all(),
        field_name="citations__source",
        distinct=True,
        label="Terms citing the source with this id.",
    )
    alias = filters.CharFilter(
        field_name="aliases__name",
        lookup_expr="iexact",
        distinct=True,
        max_length=200,
        label="Terms with this alias (any case).",
    )
    ordering = NullsFirstOrderingFilter(
        fields=["name", "updated_at", "last_reviewed"],
        label="name, updated_at or last_reviewed; a leading - reverses. Several "
        "sort in turn: repeat the parameter (ordering=a&ordering=b) or separate "
        "them with commas (ordering=a,b).",
    )

    class Meta:
        model = Term
        fields = [
            "search",
            "category",
            "letter",
            "updated_since",
            "reviewed_before",
            "reviewed_after",
            "never_reviewed",
            "review_overdue",
            "source",
            "alias",
        ]

    def filter_search(self, queryset, name, value):
        return search(queryset, value)

    def filter_review_overdue(self, queryset, name, value):
        overdue = queryset.review_overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_letter(self, queryset, name, value):
        return letters.filed_under(queryset, value)


class SourceFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Source.Kind.choices)
    # No source is older (the model's validator); a later year finds none.
    year = IntegerFilter(min_value=EARLIEST_YEAR, max_value=9999)
    identifier = filters.CharFilter(max_length=200, label="An arXiv id or DOI.")
    cited_by = filters.CharFilter(
        method="filter_cited_by",
        max_length=200,
        label="Sources cited by the term with this slug.",
    )

    class Meta:
        model = Source
        fields = ["kind", "year", "identifier", "cited_by"]

    def filter_cited_by(self, queryset, name, value):
        terms = Term.objects.visible_to(self.request.user).filter(slug=value)
        return queryset.filter(citations__term__in=terms).distinct()
