from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.utils.translation import ngettext

from .models import Alias, Category, Citation, OldSlug, SeeAlso, Source, Term


class ReviewStateFilter(admin.SimpleListFilter):
    title = "review state"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("never", "never reviewed"),
            ("overdue", "overdue for review"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "never":
            return queryset.never_reviewed()
        if self.value() == "overdue":
            return queryset.review_overdue()
        return queryset


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 1


class CitationInline(admin.TabularInline):
    model = Citation
    fields = ["position", "source", "role", "accessed"]
    autocomplete_fields = ["source"]
    extra = 1


class SeeAlsoInline(admin.TabularInline):
    model = SeeAlso
    fk_name = "term"
    fields = ["position", "target"]
    autocomplete_fields = ["target"]
    extra = 1


class OldSlugInline(admin.TabularInline):
    model = OldSlug
    fields = ["slug", "created_at"]
    readonly_fields = ["created_at"]
    extra = 0
    verbose_name_plural = "old slugs (they redirect to this term)"


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "category", "last_reviewed", "updated_at"]
    list_filter = ["status", "category", ReviewStateFilter]
    list_select_related = ["category"]
    search_fields = ["name", "aliases__name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category"]
    readonly_fields = ["reviewed_by", "created_at", "updated_at"]
    inlines = [AliasInline, CitationInline, SeeAlsoInline, OldSlugInline]
    actions = ["mark_reviewed"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "title", "category", "status"]}),
        ("Content", {"fields": ["summary", "definition", "example"]}),
        (
            "Review",
            {"fields": ["last_reviewed", "reviewed_by", "created_at", "updated_at"]},
        ),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "slug" in form.changed_data:
            obj.keep_old_slug(form.initial["slug"])

    @admin.action(description="Mark as reviewed today", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        count = queryset.mark_reviewed(request.user)
        self.message_user(
            request,
            ngettext(
                "%d term marked as reviewed today.",
                "%d terms marked as reviewed today.",
                count,
            )
            % count,
            messages.SUCCESS,
        )


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
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "authors", "year", "identifier", "kind", "citing_terms"]
    list_filter = ["kind", "year"]
    search_fields = ["title", "authors", "publisher", "identifier", "key"]
    prepopulated_fields = {"key": ["authors", "year", "title"]}
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


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "term_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(term_count=Count("terms"))

    @admin.display(description="terms", ordering="term_count")
    def term_count(self, category):
        return category.term_count
