"""A term as schema.org JSON-LD: a WebPage whose main entity is a DefinedTerm."""

from django.conf import settings
from rest_framework import renderers

from terms.models import Citation, Term


class JSONLDRenderer(renderers.JSONRenderer):
    """JSON-LD that is safe to paste into a <script type="application/ld+json">:
    <, > and & are escaped, which leaves the parsed JSON unchanged."""

    media_type = "application/ld+json"
    format = "jsonld"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        text = super().render(data, accepted_media_type, renderer_context)
        for char, escape in (
            (b"<", rb"\u003c"),
            (b">", rb"\u003e"),
            (b"&", rb"\u0026"),
        ):
            text = text.replace(char, escape)
        return text


def creative_work(citation: Citation) -> dict:
    source = citation.source
    work = {
        "@type": "ScholarlyArticle" if source.kind == "paper" else "CreativeWork",
        "name": source.title,
        "author": source.authors,
        "datePublished": str(source.year),
        "url": source.url,
    }
    if source.publisher:
        work["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.identifier:
        work["identifier"] = source.identifier
    return work


def term_page(term: Term) -> dict:
    """The JSON-LD document of a term fetched with `with_related()`."""
    page = {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "url": term.permalink,
        "name": term.title or term.name,
        "dateModified": term.updated_at.isoformat(),
        "citation": [
            creative_work(citation)
            for citation in term.citations.all()
            if citation.role == Citation.Role.SOURCE
        ],
        # The see-also terms' pages, as the page links them.
        "relatedLink": [link.target.permalink for link in term.see_also_links.all()],
        "mainEntity": {
            "@type": "DefinedTerm",
            "name": term.name,
            "alternateName": [alias.name for alias in term.aliases.all()],
            "description": term.summary,
            "url": term.permalink,
            "inDefinedTermSet": {
                "@type": "DefinedTermSet",
                "name": settings.GLOSSARY_NAME,
                "url": settings.GLOSSARY_INDEX_URL,
            },
        },
    }
    if term.last_reviewed:
        page["lastReviewed"] = term.last_reviewed.isoformat()
    return page
