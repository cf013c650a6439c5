from django.contrib import admin
from django.db import models
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from terms.models import Citation, Source

from .forms import EditConflictForm


class CitingTermInline(admin.TabularInline):
    """The terms that cite a source, read-only: citations are edited on terms."""

    model = Citation
    fields = ["term", "role", "position", "accessed"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "cited by"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    form = EditConflictForm
    list_display = ["title", "authors", "year", "identifier", "kind", "citing_terms"]
    list_filter = ["kind", "year"]
    search_fields = ["title", "authors", "publisher", "identifier", "key"]
    # The annotation below drops Meta.ordering; pages need a fixed order.
    ordering = ["title", "id"]
    prepopulated_fields = {"key": ["authors", "year", "title"]}
    readonly_fields = ["created_at", "updated_at"]
    fields = [
        "key",
        "title",
        "authors",
        "publisher",
        "year",
        "identifier",
        "url",
        "kind",
        "created_at",
        "updated_at",
        "opened_version",
    ]
    inlines = [CitingTermInline]
    # Sources are cited by their https URLs; Django 6 makes this the default.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(citing_count=Count("citations__term", distinct=True))
        )

    @admin.display(description="cited by", ordering="citing_count")
    def citing_terms(self, source):
        return source.citing_count

    class Media:
        css = {"all": ["terms/admin/glossary.css"]}
