from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from terms.models import Alias, Category, Citation, OldSlug, SeeAlso, Term
from terms.review import ReviewState

from .forms import EditConflictForm

REVIEW_COLOURS = {
    ReviewState.NEVER_REVIEWED: "#ba2121",
    ReviewState.OVERDUE: "#ba2121",
    ReviewState.DUE_SOON: "#b26a00",
    ReviewState.FRESH: "#2e7d32",
}


class ReviewStateFilter(admin.SimpleListFilter):
    title = "review state"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return ReviewState.choices

    def queryset(self, request, queryset):
        if self.value() in ReviewState.values:
            return queryset.in_review_state(self.value())
        return queryset


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 1


class CitationFormSet(BaseInlineFormSet):
    """Publishing needs a summary, a definition and at least one source; the
    sources are in this formset, so the check lives here."""

    def clean(self):
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        sources = sum(1 for data in kept if data["role"] == Citation.Role.SOURCE)
        self.instance.validate_publishable(source_count=sources)


class CitationInline(admin.TabularInline):
    model = Citation
    formset = CitationFormSet
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


class TermForm(EditConflictForm):
    mark_reviewed = forms.BooleanField(
        label="Mark as reviewed today",
        required=False,
        help_text="Records today's date and you as the reviewer when you save.",
    )


@admin.register(Term)
class TermAdmin(SimpleHistoryAdmin):
    form = TermForm
    list_display = [
        "name",
        "status",
        "category",
        "last_reviewed",
        "review_state",
        "updated_at",
    ]
    list_filter = ["status", "category", ReviewStateFilter]
    list_select_related = ["category"]
    search_fields = ["name", "aliases__name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category"]
    inlines = [AliasInline, CitationInline, SeeAlsoInline, OldSlugInline]
    actions = ["mark_reviewed", "publish", "unpublish"]
    object_history_template = "admin/terms/term_history.html"
    history_list_display = ["status", "last_reviewed"]

    def get_fieldsets(self, request, obj=None):
        review = ["last_reviewed", "review_interval_days", "reviewed_by"]
        if self.has_review_permission(request):
            review.insert(0, "mark_reviewed")
        return [
            (None, {"fields": ["name", "slug", "title", "category", "status"]}),
            ("Content", {"fields": ["summary", "definition", "example"]}),
            ("Review", {"fields": [*review, "review_due"]}),
            ("Record", {"fields": ["created_at", "updated_at", "opened_version"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["reviewed_by", "review_due", "created_at", "updated_at"]
        if not self.has_publish_permission(request):
            readonly.append("status")
        if not self.has_review_permission(request):
            readonly.append("last_reviewed")
        return readonly

    def has_review_permission(self, request):
        return request.user.has_perm("terms.review_term")

    def has_publish_permission(self, request):
        return request.user.has_perm("terms.publish_term")

    @admin.display(description="review due")
    def review_due(self, term):
        return term.review_due if term.pk else "—"

    @admin.display(description="review")
    def review_state(self, term):
        state = ReviewState(term.review_state)
        colour = REVIEW_COLOURS[state]
        return format_html('<strong style="color: {}">{}</strong>', colour, state.label)

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("mark_reviewed"):
            obj.last_reviewed, obj.reviewed_by = timezone.localdate(), request.user
        super().save_model(request, obj, form, change)
        if change and "slug" in form.changed_data:
            obj.keep_old_slug(form.initial["slug"])
        if version := getattr(request, "restoring_term_version", None):
            self.restore_related(request, obj, version)

    def render_change_form(self, request, context, add=False, change=False, **kw):
        term = context.get("original")
        if term and term.status == Term.Status.PUBLISHED and request.method == "GET":
            drafts = term.see_also.filter(status=Term.Status.DRAFT)
            if names := ", ".join(str(draft) for draft in drafts):
                self.message_user(
                    request,
                    f"This published term links to drafts readers cannot see: "
                    f"{names}. Publish them or remove the links.",
                    messages.WARNING,
                )
        return super().render_change_form(request, context, add, change, **kw)

    def history_view(self, request, object_id, extra_context=None):
        related = [
            record
            for model in (Alias, Citation, SeeAlso)
            for record in model.history.filter(term_id=object_id).select_related(
                "history_user"
            )
        ]
        related.sort(key=lambda record: record.history_date, reverse=True)
        extra_context = {**(extra_context or {}), "related_history": related}
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting restores the aliases, citations and links of that version.
        request.restoring_term_version = version_id
        return super().history_form_view(request, object_id, version_id, extra_context)

    def restore_related(self, request, term, version):
        if skipped := term.restore_related(version):
            self.message_user(
                request,
                "Not restored, as what they point to no longer exists: "
                + ", ".join(skipped),
                messages.WARNING,
            )

    @admin.action(description="Mark as reviewed today", permissions=["review"])
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

    @admin.action(description="Publish", permissions=["publish"])
    def publish(self, request, queryset):
        published = 0
        for term in queryset.filter(status=Term.Status.DRAFT):
            term.status = Term.Status.PUBLISHED
            try:
                term.validate_publishable()
            except ValidationError as error:
                self.message_user(request, error.messages[0], messages.ERROR)
                continue
            term._history_user = request.user
            term.save(update_fields=["status", "updated_at"])
            published += 1
        if published:
            self.message_user(
                request, f"{published} term(s) published.", messages.SUCCESS
            )

    @admin.action(description="Unpublish (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        count = 0
        for term in queryset.filter(status=Term.Status.PUBLISHED):
            term.status = Term.Status.DRAFT
            term._history_user = request.user
            term.save(update_fields=["status", "updated_at"])
            count += 1
        self.message_user(request, f"{count} term(s) back to draft.", messages.SUCCESS)


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "term_count"]
    ordering = ["name", "id"]  # the count annotation drops Meta.ordering
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        published = Q(terms__status=Term.Status.PUBLISHED)
        return (
            super()
            .get_queryset(request)
            .annotate(term_count=Count("terms", filter=published))
        )

    @admin.display(description="published terms", ordering="term_count")
    def term_count(self, category):
        return category.term_count
