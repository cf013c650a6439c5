from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError


def positive_int(params, name: str, default: int, maximum: int | None = None) -> int:
    """A positive integer query parameter, or a 400 naming it."""
    raw = params.get(name)
    if raw is None:
        return default
    limit = f" and at most {maximum}" if maximum else ""
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1 or (maximum and value > maximum):
        raise ValidationError({name: [f"Must be a whole number from 1{limit}."]})
    return value


class PageNumberPagination(pagination.PageNumberPagination):
    """Page numbers with a client-chosen page size, capped, strictly parsed."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    page_size_query_description = (
        f"Results per page, 1 to {max_page_size} (default {page_size})."
    )

    def get_page_size(self, request):
        return positive_int(
            request.query_params, self.page_size_query_param, self.page_size,
            self.max_page_size,
        )  # fmt: skip

    def paginate_queryset(self, queryset, request, view=None):
        positive_int(request.query_params, self.page_query_param, 1)
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            raise NotFound({self.page_query_param: [str(error.detail)]}) from error

    @property
    def query_parameters(self) -> set[str]:
        return {self.page_query_param, self.page_size_query_param}
