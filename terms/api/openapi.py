"""How the server's own rules appear in the OpenAPI document, through
drf-spectacular's extension points, so that generated clients and fuzzers
meet the API as it is: reads open to anyone, query parameters with the
bounds their validators enforce, sparse fieldsets with a shape of their own.
"""

from drf_spectacular import openapi
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import permissions, serializers

from .filters import MultiValueFilter

# Every query parameter refuses an empty value (StrictQueryParametersMixin).
NOT_EMPTY = {"minLength": 1}


class StrictAutoSchema(openapi.AutoSchema):
    def get_auth(self):
        """A read that anyone may make needs no credentials: an empty list.
        A token still counts where sent (an editor's read also sees drafts,
        which the operation's description says), but `[{}, {"tokenAuth":
        []}]`, the spec's "optional", makes openapi-python-client (0.29)
        demand an authenticated client (its issue #1372)."""
        anyone_reads = all(
            isinstance(permission, permissions.DjangoModelPermissionsOrAnonReadOnly)
            for permission in self.view.get_permissions()
        )
        if self.method in permissions.SAFE_METHODS and anyone_reads:
            return []
        auths = super().get_auth()
        return [] if auths == [{}] else auths


class StrictFilterExtension(DjangoFilterExtension):
    """django-filter's parameters, with the bounds their form fields check."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, name, field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, name, field
        )
        extra = field.extra
        for parameter in parameters:
            schema = parameter["schema"]
            if schema.get("type") == "array":
                schema["minItems"] = 1
                schema = schema["items"]
            if schema.get("type") == "string" and "enum" not in schema:
                schema |= NOT_EMPTY
                if extra.get("max_length"):
                    schema["maxLength"] = extra["max_length"]
            if schema.get("type") == "integer":
                for bound in ("min_value", "max_value"):
                    if extra.get(bound) is not None:
                        schema[bound.replace("_value", "imum")] = extra[bound]
            if isinstance(field, MultiValueFilter):
                # Repeated (the OpenAPI default, as generated clients send
                # it); the comma-separated form is accepted too.
                parameter.pop("explode", None)
                parameter.pop("style", None)
        return parameters


class SparseFields(serializers.Serializer):
    """The body of a read that takes `fields=`: the serializer's full shape,
    every field present, or with `fields` only the fields named, out of
    `partial_class`'s (the term list's `fields` names any field of a term)."""

    def __init__(self, serializer_class, partial_class=None, **kwargs):
        self.serializer_class = serializer_class
        self.partial_class = partial_class or serializer_class
        super().__init__(**kwargs)


class SparseFieldsExtension(OpenApiSerializerExtension):
    target_class = SparseFields

    def get_name(self, auto_schema, direction):
        return f"{self.full(auto_schema, direction).name}OrPartial"

    def get_identity(self, auto_schema, direction):
        return (self.target.serializer_class, self.target.partial_class)

    def full(self, auto_schema, direction) -> ResolvedComponent:
        return auto_schema.resolve_serializer(self.target.serializer_class, direction)

    def map_serializer(self, auto_schema, direction):
        full = self.full(auto_schema, direction)
        whole = auto_schema.resolve_serializer(self.target.partial_class, direction)
        partial = ResolvedComponent(
            name=f"Partial{whole.name}",
            type=ResolvedComponent.SCHEMA,
            object=f"Partial{whole.name}",
            schema={
                **{key: v for key, v in whole.schema.items() if key != "required"},
                "description": "Only the fields named in `fields`.",
            },
        )
        auto_schema.registry.register_on_missing(partial)
        return {
            "anyOf": [full.ref, partial.ref],
            "description": f"Without `fields`, a {full.name} with every field; "
            f"with `fields`, a Partial{whole.name} of only the fields named.",
        }


class StrictInputExtension(OpenApiSerializerExtension):
    """Write bodies take no other fields (StrictInputMixin refuses them)."""

    target_class = "terms.api.write_serializers.StrictInputMixin"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(
            self.target, direction, bypass_extensions=True
        )
        return schema | {"additionalProperties": False}


class Shape(serializers.Serializer):
    """A body that no serializer makes: a component whose JSON schema is
    the subclass's `shape`, named after the subclass."""

    shape: dict = {}


class ShapeExtension(OpenApiSerializerExtension):
    target_class = Shape
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        return self.target.shape


# OpenAPI 3.0's only null: `nullable` with a `type` in the same schema
# object (3.0.3's clarification), and an enum that holds null.
NULL = {"type": "object", "nullable": True, "enum": [None]}


def nullable_references(result, **kwargs):
    """A nullable field whose value is a component (`category`): drf-spectacular
    writes `{"allOf": [ref], "nullable": true}`, and as `allOf` has no `type`,
    OpenAPI 3.0.3 ignores the `nullable` (openapi-schema-validator refuses
    the null a term without a category answers). Written instead as either
    the component or null, which validators and both client generators read
    as `X | null`."""

    def rewrite(node):
        if isinstance(node, dict):
            if node.get("nullable") and "allOf" in node and "type" not in node:
                del node["nullable"]
                node["anyOf"] = [*node.pop("allOf"), NULL]
            for value in node.values():
                rewrite(value)
        elif isinstance(node, list):
            for value in node:
                rewrite(value)

    rewrite(result)
    return result
