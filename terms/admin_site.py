from django.conf import settings
from django.contrib import admin

from terms.models import Term
from terms.review import ReviewState


class GlossaryAdminSite(admin.AdminSite):
    """The admin, with the review workload on its front page.

    Outside the terms.admin package: loading the site must not import the
    model admins, which register on this very site.
    """

    site_header = "Glossary administration"
    site_title = "Glossary admin"
    index_template = "admin/glossary_index.html"

    @property
    def site_url(self):
        """ "View site" leads to the front-end's glossary, not to the API."""
        return settings.GLOSSARY_INDEX_URL

    def index(self, request, extra_context=None):
        published = Term.objects.published()
        workload = [
            (state, published.in_review_state(state).count())
            for state in (ReviewState.OVERDUE, ReviewState.NEVER_REVIEWED)
        ]
        review = [
            {"label": state.label, "count": count, "query": f"review={state.value}"}
            for state, count in workload
        ]
        extra_context = {**(extra_context or {}), "review_workload": review}
        return super().index(request, extra_context)
