from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.urls import path
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from terms import preview, rights
from terms.history import COMPARED, Restore, describe
from terms.models import Category, Term
from terms.models.base import is_unchanged
from terms.review import ReviewState

from .forms import EditConflictForm
from .inlines import AliasInline, CitationInline, OldSlugInline, SeeAlsoInline
from .versions import VersionsAdmin

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


class TermForm(EditConflictForm):
    mark_reviewed = forms.BooleanField(
        label="Mark as reviewed today",
        required=False,
        help_text="Records today's date and you as the reviewer when you save.",
    )
    # Set when the form restores a version: what comes back with it.
    restore: Restore | None = None
    # Set by the admin: who is saving (terms.rights says what they may change).
    user = None

    class Meta:
        widgets = {
            "title": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "summary": forms.Textarea(attrs={"class": "vLargeTextField", "rows": 3}),
        }

    def clean(self):
        # Fields hidden from this user are not in the form, so Django would
        # ignore them; a crafted post that changes one is refused instead.
        changed = [
            name
            for name in rights.RESTRICTED
            if name not in self.fields and self.posts_a_change(name)
        ]
        for field, reasons in rights.refused_changes(self.user, changed).items():
            self.add_error(None, f"{reasons[0]} ({field})")
        return super().clean()

    def posts_a_change(self, name: str) -> bool:
        value = self.data.get(name)
        if value is None:
            return False
        if name == "mark_reviewed":
            return forms.CheckboxInput().value_from_datadict(self.data, {}, name)
        return value != str(getattr(self.instance, name) or "")

    def _post_clean(self):
        super()._post_clean()
        # A restore has no citation formset to check the publishing rule (see
        # CitationFormSet): it is checked on the citations that come back.
        if self.restore is not None:
            try:
                self.instance.validate_publishable(self.restore.source_count)
            except ValidationError as error:
                self.add_error(None, error)


@admin.register(Term)
class TermAdmin(VersionsAdmin):
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
    history_list_display = ["status", "last_reviewed"]

    class Media:
        css = {"all": ["terms/admin/glossary.css"]}
        js = ["terms/admin/positions.js"]

    def get_fieldsets(self, request, obj=None):
        review = ["last_reviewed", "review_interval_days", "reviewed_by"]
        if rights.may_change(request.user, "mark_reviewed"):
            review.insert(0, "mark_reviewed")
        return [
            (None, {"fields": ["name", "slug", "title", "category", "status"]}),
            ("Content", {"fields": ["summary", "definition", "example"]}),
            ("Review", {"fields": [*review, "review_due"]}),
            ("Record", {"fields": ["created_at", "updated_at", "opened_version"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["reviewed_by", "review_due", "created_at", "updated_at"]
        restricted = ["status", "last_reviewed"]
        return readonly + [
            f for f in restricted if not rights.may_change(request.user, f)
        ]

    # The actions' permissions (permissions=["review"], ["publish"]).
    def has_review_permission(self, request):
        return rights.may_change(request.user, "mark_reviewed")

    def has_publish_permission(self, request):
        return rights.may_change(request.user, "status")

    @admin.display(description="review due")
    def review_due(self, term):
        return formats.localize(term.review_due) if term.pk else "—"

    def view_on_site(self, term):
        """The term on the front-end; a draft is not there (see Preview)."""
        return term.permalink if term.status == Term.Status.PUBLISHED else None

    @admin.display(description="review")
    def review_state(self, term):
        state = ReviewState(term.review_state)
        colour = REVIEW_COLOURS[state]
        return format_html('<strong style="color: {}">{}</strong>', colour, state.label)

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("mark_reviewed"):
            obj.last_reviewed, obj.reviewed_by = timezone.localdate(), request.user
        # A save that changes none of the term's own fields writes nothing;
        # if its rows change, the term still gets a version first, as a
        # restore finds a version's rows by the term's next version.
        request.term_unchanged = change and is_unchanged(obj)
        super().save_model(request, obj, form, change)
        if restore := getattr(request, "term_restore", None):
            if request.term_unchanged and restore.changes:
                obj.touch()
            restore.apply()
            self.report_restore(request, obj, restore)

    def save_related(self, request, form, formsets, change):
        changed = any(formset.has_changed() for formset in formsets)
        if getattr(request, "term_unchanged", False) and changed:
            form.instance.touch()
        super().save_related(request, form, formsets, change)

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

    def get_urls(self):
        preview_url = path(
            "<path:object_id>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="terms_term_preview",
        )
        return [preview_url, *super().get_urls()]

    def preview_view(self, request, object_id):
        """To the front-end's preview of the term, with a fresh token."""
        term = self.get_object(request, unquote(object_id))
        if term is None or not self.has_view_or_change_permission(request, term):
            raise PermissionDenied
        return HttpResponseRedirect(preview.url_for(term))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Reverting restores the aliases, citations and links of that version
        too, with the rules and rights of a save, in one transaction."""
        term = self.get_object(request, object_id)
        if not (
            term is not None
            and str(version_id).isdigit()
            and term.history.filter(history_id=version_id).exists()
        ):
            raise Http404("No such version of this term.")
        if request.method == "POST" and not self.has_change_permission(request, term):
            raise PermissionDenied
        with transaction.atomic(using=router.db_for_write(Term)):
            request.term_restore = Restore.of(term, version_id)
            request.term_stored = term
            extra_context = {**(extra_context or {}), "restore": request.term_restore}
            return super().history_form_view(
                request, object_id, version_id, extra_context
            )

    def get_form(self, request, obj=None, change=False, **kwargs):
        restore = getattr(request, "term_restore", None)
        if restore is not None:
            # A restore starts from the version's values, except for the
            # fields this user may not change: those keep their stored values.
            kept = set(self.get_readonly_fields(request, obj)) - {"reviewed_by"}
            if "last_reviewed" in kept:  # the reviewer goes with the review date
                kept.add("reviewed_by")
            for f in Term._meta.concrete_fields:
                if f.name in kept:
                    setattr(obj, f.attname, getattr(request.term_stored, f.attname))
        form = super().get_form(request, obj, change, **kwargs)
        form = type(form.__name__, (form,), {"user": request.user, "restore": restore})
        if not rights.may_change(request.user, "mark_reviewed"):
            del form.base_fields["mark_reviewed"]
        return form

    def report_restore(self, request, term, restore):
        """What the restore changed: fields and rows back, rows removed."""
        stored = request.term_stored
        fields = [
            str(field.verbose_name)
            for field in map(Term._meta.get_field, COMPARED)
            if getattr(term, field.attname) != getattr(stored, field.attname)
        ]
        back = ", ".join(fields + [named(row) for row in restore.writes])
        removed = ", ".join(named(row) for row in restore.removed)
        if back or removed:
            what = f"Back from that version: {back or 'no field or row'}."
            if removed:
                what += f" Removed, as added after it: {removed}."
        else:
            what = "Nothing changed: the term already matched that version."
        self.message_user(request, what, messages.SUCCESS)
        if restore.lost:
            self.message_user(
                request,
                "Not restored, as what they point to no longer exists: "
                + ", ".join(restore.lost),
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


def named(row) -> str:
    """A term's row in a message: "alias “TRK”"."""
    return f"{row._meta.verbose_name} “{describe(row)}”"
