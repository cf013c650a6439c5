"""Preview links: a signed, short-lived token that lets the front-end show
one term as it would be published, draft edits and all, before it is
(like Contentful's Preview API or Next.js's draft mode). The token names
the term and when it was made, signed with the site's secret key, so it
cannot be forged or moved to another term, and it expires after
GLOSSARY_PREVIEW_SECONDS."""

from django.conf import settings
from django.core import signing

SALT = "terms.preview"


class Refused(Exception):
    """The token is not one the admin gave out, or it has expired."""


def token_for(term) -> str:
    return signing.dumps({"term": term.pk}, salt=SALT)


def term_of(token: str) -> int:
    """The id of the term `token` previews."""
    try:
        lifetime = settings.GLOSSARY_PREVIEW_SECONDS
        data = signing.loads(token, salt=SALT, max_age=lifetime)
    except signing.SignatureExpired as error:
        raise Refused(
            "This preview link has expired: open Preview on the term in the "
            "admin again for a new one."
        ) from error
    except signing.BadSignature as error:
        raise Refused(
            "This preview link is not valid: it was not made by this site's "
            "admin, or it was changed."
        ) from error
    return data["term"]


def url_for(term) -> str:
    """The front-end's preview address for `term`, with a fresh token."""
    return settings.GLOSSARY_PREVIEW_URL.format(slug=term.slug, token=token_for(term))
