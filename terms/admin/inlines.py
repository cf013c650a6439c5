"""A term's rows in its change form: aliases, citations, see-also links and
old slugs."""

from django.contrib import admin
from django.db.models import Max
from django.forms.models import BaseInlineFormSet
from django.utils.functional import cached_property

from terms.models import Alias, Citation, OldSlug, SeeAlso


class PositionedFormSet(BaseInlineFormSet):
    """New rows start after the last one stored, not at 0; a row added with
    "Add another" after those (terms/static/terms/admin/positions.js)."""

    @cached_property
    def next_position(self) -> int:
        if self.instance.pk is None:
            return 1
        stored = self.get_queryset().aggregate(last=Max("position"))["last"]
        return (stored or 0) + 1

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        initial = self.initial_form_count()
        if index is None:  # the empty form "Add another" copies
            index = self.total_form_count()
        if index >= initial:
            position = self.next_position + index - initial
            kwargs["initial"] = {"position": position, **kwargs.get("initial", {})}
        return kwargs


class CitationFormSet(PositionedFormSet):
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


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 1


class CitationInline(admin.TabularInline):
    model = Citation
    formset = CitationFormSet
    fields = ["position", "source", "role", "accessed"]
    autocomplete_fields = ["source"]
    extra = 1


class SeeAlsoInline(admin.TabularInline):
    model = SeeAlso
    formset = PositionedFormSet
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
