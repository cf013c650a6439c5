"""A term's history pages: its versions numbered, with its rows' changes
beside them, and two versions compared side by side."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from terms import history
from terms.models import Alias, Citation, SeeAlso


class VersionsAdmin(SimpleHistoryAdmin):
    object_history_template = "admin/terms/term_history.html"
    object_history_list_template = "admin/terms/term_history_list.html"
    object_history_form_template = "admin/terms/term_revert.html"

    def get_urls(self):
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name="terms_term_compare",
        )
        return [compare, *super().get_urls()]

    def history_view(self, request, object_id, extra_context=None):
        related = [
            record
            for model in (Alias, Citation, SeeAlso)
            for record in model.history.filter(term_id=object_id).select_related(
                "history_user"
            )
        ]
        related.sort(key=lambda record: record.history_date, reverse=True)
        for record in related:
            record.kind = record.instance._meta.verbose_name
            record.what = history.describe(record.instance)
        extra_context = {**(extra_context or {}), "related_history": related}
        return super().history_view(request, object_id, extra_context)

    def render_history_view(self, request, template, context, **kwargs):
        # Versions are numbered from the first, as editors speak of them.
        if page := context.get("page_obj"):  # the list, not one version
            last = page.paginator.count - page.start_index() + 1
            for offset, record in enumerate(page.object_list):
                record.number = last - offset
        return super().render_history_view(request, template, context, **kwargs)

    def compare_view(self, request, object_id):
        """Two versions of a term side by side, the older on the left."""
        term = self.get_object(request, unquote(object_id))
        if term is None:
            raise Http404("No such term.")
        if not self.has_view_history_or_change_history_permission(request, term):
            raise PermissionDenied
        chosen = [request.GET.get("from", ""), request.GET.get("to", "")]
        if not all(chosen) or chosen[0] == chosen[1]:
            self.message_user(
                request, "Choose two versions to compare.", messages.WARNING
            )
            return HttpResponseRedirect(
                reverse("admin:terms_term_history", args=[term.pk])
            )
        versions = list(
            term.history.filter(
                history_id__in=[v for v in chosen if v.isdigit()]
            ).select_related("history_user")
        )
        if len(versions) != 2:
            raise Http404("No such version of this term.")
        versions.sort(key=lambda version: version.history_date)
        for version in versions:
            earlier = Q(history_date__lt=version.history_date) | Q(
                history_date=version.history_date, history_id__lte=version.pk
            )
            version.number = term.history.filter(earlier).count()
        lines = [
            (what, values, len(set(values)) > 1)
            for what, values in history.comparison(term, versions)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare versions {versions[0].number} and "
            f"{versions[1].number}: {term}",
            "opts": self.model._meta,
            "object": term,
            "versions": versions,
            "lines": lines,
        }
        return TemplateResponse(request, "admin/terms/term_compare.html", context)
