"""Strict query parameters: an unknown one is a 400, and so is a bad `fields`."""

from urllib.parse import unquote_to_bytes

from django.http import Http404
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings

from .filters import MultiValueFilter
from .problems import ParameterError


def undecodable_parameters(query_string: str) -> dict[str, list[str]]:
    """Parameters whose value is not UTF-8 (Django would quietly replace or
    reinterpret the bytes)."""
    errors = {}
    for pair in query_string.split("&"):
        raw = unquote_to_bytes(pair.replace("+", " ").encode("latin-1", "replace"))
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            name = raw.split(b"=", 1)[0].decode("utf-8", "replace")
            errors[name] = ["Not valid UTF-8."]
    return errors


class StrictQueryParametersMixin:
    """Answer 400 for a parameter the endpoint does not know, one given twice
    (unless it takes several values), or an empty one.

    A view lists its own parameters in `query_parameters`; list actions also
    accept their filterset's and paginator's.
    """

    query_parameters: tuple[str, ...] = ()

    def allowed_query_parameters(self) -> set[str]:
        allowed = {api_settings.URL_FORMAT_OVERRIDE, *self.query_parameters}
        if getattr(self, "action", "list") == "list":
            if filterset_class := getattr(self, "filterset_class", None):
                allowed |= set(filterset_class.base_filters)
            if paginator := getattr(self, "paginator", None):
                allowed |= paginator.query_parameters
        return allowed

    def repeatable_query_parameters(self) -> set[str]:
        """Parameters that take several values, each repeated or comma-separated."""
        filterset_class = getattr(self, "filterset_class", None)
        if getattr(self, "action", "list") != "list" or filterset_class is None:
            return set()
        return {
            name
            for name, found in filterset_class.base_filters.items()
            if isinstance(found, MultiValueFilter)
        }

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        allowed = self.allowed_query_parameters()
        repeatable = self.repeatable_query_parameters()
        errors = {}
        for name, values in request.query_params.lists():
            if name not in allowed:
                accepted = ", ".join(sorted(allowed))
                errors[name] = [
                    f"Unknown query parameter. This endpoint accepts: {accepted}."
                ]
            elif len(values) > 1 and name not in repeatable:
                errors[name] = ["Give this parameter once."]
            elif "" in values:
                errors[name] = ["Give a value, or leave the parameter out."]
            elif any("\x00" in value for value in values):
                # PostgreSQL refuses NUL in text: a 400 here, not a 500 later.
                errors[name] = ["Null characters are not allowed."]
        errors |= undecodable_parameters(request.META.get("QUERY_STRING", ""))
        if errors:
            raise ParameterError(errors)

    def filter_queryset(self, queryset):
        # Only lists take filters (any other query parameter is refused above).
        if getattr(self, "action", "list") != "list":
            return queryset
        return super().filter_queryset(queryset)

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404 as error:
            formats = ", ".join(r.format for r in self.get_renderers())
            raise ParameterError(
                {"format": [f"Unknown format. This endpoint serves: {formats}."]}
            ) from error


class FieldSelectionMixin:
    """`?fields=a,b` returns only those fields of the view's serializer."""

    def allowed_query_parameters(self) -> set[str]:
        return super().allowed_query_parameters() | {"fields"}

    def repeatable_query_parameters(self) -> set[str]:
        return super().repeatable_query_parameters() | {"fields"}

    def get_serializer(self, *args, **kwargs):
        if self.request.method in ("GET", "HEAD"):
            kwargs.setdefault("fields", self.selected_fields())
        return super().get_serializer(*args, **kwargs)

    def selectable_fields(self) -> list[str]:
        return self.get_serializer_class().Meta.fields

    def selected_fields(self) -> list[str] | None:
        given = self.request.query_params.getlist("fields")
        if not given:
            return None
        # Repeated (fields=a&fields=b), comma-separated (fields=a,b), or both.
        names = [name.strip() for raw in given for name in raw.split(",")]
        names = [name for name in names if name]
        available = self.selectable_fields()
        unknown = [name for name in names if name not in available]
        if unknown or not names:
            raise ValidationError(
                {
                    "fields": [
                        f"Unknown field(s): {', '.join(unknown) or '(none given)'}. "
                        f"Available: {', '.join(available)}."
                    ]
                }
            )
        return names
