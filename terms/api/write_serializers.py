"""What editors' tools send: a term with its aliases, citations and links.

Validation is the models' own (field validators, constraints, the
publishing rule), the same as in the admin; this module only adds the
checks that span a request's nested lists.
"""

import copy
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import slug_re
from django.db import models, transaction
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from terms.models import Alias, Category, Citation, SeeAlso, Source, Term
from terms.validators import year_range

from .serializers import DEPRECATED_URL_HELP, LINK_HELP, AliasSerializer


def model_errors(error: DjangoValidationError) -> serializers.ValidationError:
    """A model's ValidationError as DRF's, keyed by field."""
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(
            {
                ("non_field_errors" if field == "__all__" else field): messages
                for field, messages in error.message_dict.items()
            }
        )
    return serializers.ValidationError({"non_field_errors": error.messages})


# What each kind of field takes, as JSON: REST framework would also turn 0
# into the text "0" and "5" into the number 5.
JSON_TYPES = [
    (serializers.CharField, str, "Give text (a JSON string)."),
    (serializers.IntegerField, int, "Give a whole number (a JSON number)."),
    (serializers.PrimaryKeyRelatedField, int, "Give an id (a JSON number)."),
    (serializers.ManyRelatedField, list, "Give a list (a JSON array)."),
]


class StrictInputMixin:
    """A body as the schema declares it (additionalProperties: false): a
    field the serializer does not take is refused, not ignored, and so is a
    value of the wrong JSON type. For every write serializer, nested ones too."""

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            return super().to_internal_value(data)
        writable = {name: f for name, f in self.fields.items() if not f.read_only}
        errors = {
            name: [f"Unknown field. This takes: {', '.join(writable)}."]
            for name in data
            if name not in writable
        }
        for name, field in writable.items():
            value = data.get(name)
            for kind, expected, message in JSON_TYPES:
                wrong = not isinstance(value, expected) or isinstance(value, bool)
                if isinstance(field, kind) and value is not None and wrong:
                    errors[name] = [message]
        if errors:
            # Every field's problem at once: the others are checked as usual.
            rest = {name: value for name, value in data.items() if name not in errors}
            try:
                super().to_internal_value(rest)
            except serializers.ValidationError as more:
                if isinstance(more.detail, Mapping):
                    for name, messages in more.detail.items():
                        errors.setdefault(name, messages)
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class TextAsSentMixin(StrictInputMixin):
    """Text is taken as sent: a one-line value with blanks around it is
    refused, not trimmed behind the client's back (its length is what was
    validated)."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if issubclass(field_class, serializers.CharField):
            kwargs["trim_whitespace"] = False
        return field_class, kwargs

    def validate(self, attrs):
        attrs = super().validate(attrs)
        errors = {
            name: ["Remove the blank characters at the start or the end."]
            for name, value in attrs.items()
            if isinstance(value, str)
            and value != value.strip()
            and isinstance(self.Meta.model._meta.get_field(name), models.CharField)
        }
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ModelCleanMixin(TextAsSentMixin):
    """Runs the model's full_clean() on the instance as it would be saved."""

    nested_fields: tuple[str, ...] = ()

    def candidate(self, attrs):
        instance = copy.copy(self.instance) if self.instance else self.Meta.model()
        for name, value in attrs.items():
            if name not in self.nested_fields:
                setattr(instance, name, value)
        return instance

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = self.candidate(attrs)
        try:
            instance.full_clean(validate_unique=True, validate_constraints=True)
        except DjangoValidationError as error:
            raise model_errors(error) from error
        self.clean_instance(instance, attrs)
        return attrs

    def clean_instance(self, instance, attrs):
        """Checks beyond the model's own, for subclasses."""


class AliasInputSerializer(TextAsSentMixin, AliasSerializer):
    def validate(self, attrs):
        attrs = super().validate(attrs)
        try:  # the model's own field checks, as the admin's inline runs them
            Alias(**attrs).clean_fields(exclude={"term"})
        except DjangoValidationError as error:
            raise model_errors(error) from error
        return attrs


class SlugReference(serializers.SlugRelatedField):
    """A reference by slug that is refused before it reaches the database when
    it cannot be a slug (PostgreSQL errors on NUL, for one)."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not slug_re.fullmatch(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


class CitationInputSerializer(StrictInputMixin, serializers.ModelSerializer):
    source = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.all(), help_text="The cited source's id."
    )
    position = serializers.IntegerField(
        min_value=0,
        max_value=32767,
        required=False,
        help_text="Numbering order; by default the order of the list.",
    )
    role = serializers.ChoiceField(
        choices=Citation.Role.choices,
        required=False,
        help_text="A numbered source (the default) or further reading.",
    )

    class Meta:
        model = Citation
        fields = ["source", "role", "position", "accessed"]

    def validate(self, attrs):
        # Not a field default: DRF leaves defaults out of a PATCH's lists.
        return {"role": Citation.Role.SOURCE, **super().validate(attrs)}


def numbered(citations: list[dict]) -> list[dict]:
    """Citations numbered in the order given, unless they say a position."""
    return [{"position": n, **c} for n, c in enumerate(citations, start=1)]


class TermWriteSerializer(ModelCleanMixin, serializers.ModelSerializer):
    """A term and, when given, the whole of its aliases, citations and links."""

    nested_fields = ("aliases", "citations", "see_also")

    category = SlugReference(
        slug_field="slug",
        queryset=Category.objects.all(),
        allow_null=True,
        required=False,
        help_text="A category's slug.",
    )
    aliases = AliasInputSerializer(many=True, required=False)
    citations = CitationInputSerializer(
        many=True, required=False, help_text="Sources and further reading, in order."
    )
    see_also = SlugReference(
        slug_field="slug",
        queryset=Term.objects.all(),
        many=True,
        required=False,
        help_text="Slugs of related terms, in the order to show them.",
    )

    class Meta:
        model = Term
        fields = [
            "name",
            "slug",
            "title",
            "summary",
            "definition",
            "example",
            "category",
            "status",
            "last_reviewed",
            "review_interval_days",
            "aliases",
            "citations",
            "see_also",
        ]

    def clean_instance(self, term, attrs):
        errors = {}
        aliases = [alias["name"].casefold() for alias in attrs.get("aliases", [])]
        if len(aliases) != len(set(aliases)):
            errors["aliases"] = ["An alias is listed twice."]
        cited = [(c["source"].pk, c["role"]) for c in attrs.get("citations", [])]
        if len(cited) != len(set(cited)):
            errors["citations"] = ["A source is cited twice in the same role."]
        targets = attrs.get("see_also", [])
        if len({target.pk for target in targets}) != len(targets):
            errors["see_also"] = ["A term is linked twice."]
        elif any(
            target.pk == term.pk or target.slug == term.slug for target in targets
        ):
            errors["see_also"] = ["A term cannot link to itself."]
        if errors:
            raise serializers.ValidationError(errors)
        citations = attrs.get("citations")
        sources = None
        if citations is not None:
            sources = sum(1 for c in citations if c["role"] == Citation.Role.SOURCE)
        try:
            term.validate_publishable(source_count=sources)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"status": error.messages}) from error

    # Revision history records the authenticated user: DRF hands it to the
    # Django request that django-simple-history's middleware reads.

    @transaction.atomic
    def create(self, validated_data):
        nested = self.pop_nested(validated_data)
        term = Term.objects.create(**validated_data)
        self.replace_related(term, nested)
        return term

    @transaction.atomic
    def update(self, term, validated_data):
        nested = self.replace_lists(term, self.pop_nested(validated_data))
        for name, value in validated_data.items():
            setattr(term, name, value)
        # A term whose lists change gets a new version even if its own
        # fields are unchanged (ContentModel.touch).
        term.touch() if nested else term.save()
        self.replace_related(term, nested)
        return term

    def pop_nested(self, validated_data) -> dict:
        return {
            name: validated_data.pop(name)
            for name in self.nested_fields
            if name in validated_data
        }

    def replace_lists(self, term, nested) -> dict:
        """The lists given that differ from what the term has: a list sent
        back as it was read writes nothing."""
        current = {
            "aliases": [
                {"name": a.name, "kind": a.kind} for a in term.aliases.order_by("name")
            ],
            "citations": list(
                term.citations.order_by("role", "position", "id").values(
                    "source", "role", "position", "accessed"
                )
            ),
            "see_also": [link.target for link in term.see_also_links.all()],
        }
        given = {
            "aliases": sorted(nested.get("aliases", []), key=lambda a: a["name"]),
            "citations": sorted(
                (
                    {**c, "source": c["source"].pk, "accessed": c.get("accessed")}
                    for c in numbered(nested.get("citations", []))
                ),
                key=lambda c: (c["role"], c["position"]),
            ),
            "see_also": nested.get("see_also", []),
        }
        return {
            name: rows for name, rows in nested.items() if given[name] != current[name]
        }

    def replace_related(self, term, nested):
        """Each list given replaces what the term had, in the order given."""
        if "aliases" in nested:
            term.aliases.all().delete()
            for alias in nested["aliases"]:
                Alias.objects.create(term=term, **alias)
        if "citations" in nested:
            term.citations.all().delete()
            for citation in numbered(nested["citations"]):
                Citation.objects.create(term=term, **citation)
        if "see_also" in nested:
            term.see_also_links.all().delete()
            for n, target in enumerate(nested["see_also"], start=1):
                SeeAlso.objects.create(term=term, target=target, position=n)


@extend_schema_serializer(deprecate_fields=["url"])
class SourceWriteSerializer(ModelCleanMixin, serializers.ModelSerializer):
    """A source. Its own address is `link`, as in reads; v1 still takes the
    deprecated `url` for it, but not both."""

    link = serializers.URLField(
        source="url",
        required=False,
        max_length=Source._meta.get_field("url").max_length,
        trim_whitespace=False,  # refused, not trimmed, as `url` (TextAsSentMixin)
        help_text=LINK_HELP,
    )

    def get_fields(self):
        fields = super().get_fields()
        # For the schema: the model's validate_year checks these bounds.
        fields["year"].min_value, fields["year"].max_value = year_range()
        return fields

    def validate(self, attrs):
        sent = self.initial_data
        if "link" in sent and "url" in sent:
            raise serializers.ValidationError(
                {"url": ["Give `link` only: `url` is its deprecated name."]}
            )
        try:
            return super().validate(attrs)
        except serializers.ValidationError as error:
            # The model calls it `url`; name what the client sent.
            detail = error.detail
            if "url" not in sent and isinstance(detail, dict) and "url" in detail:
                detail["link"] = detail.pop("url")
            raise

    class Meta:
        model = Source
        fields = [
            "key",
            "title",
            "authors",
            "publisher",
            "year",
            "identifier",
            "link",
            "url",
            "kind",
        ]
        extra_kwargs = {"url": {"required": False, "help_text": DEPRECATED_URL_HELP}}
