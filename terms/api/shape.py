"""The shape of the API's representations: which fields they have, and the
settings they show (the front-end's addresses, the glossary's name).

A stored document built in another shape is not served (terms/changes/
documents.py builds it again, as a change of its term), and every ETag and
every kept response is filed under the shape, so that a deploy which
changes the representations, or a new GLOSSARY_TERM_URL, is never answered
with a 304 or a replay of the old ones.
"""

import hashlib

from django.conf import settings

# Raise it when a representation gains, loses or renames a field.
# 2: permalinks on every reference to a term; `link` and `citation` on sources.
VERSION = 2


def shape() -> str:
    described = repr(
        (
            VERSION,
            settings.GLOSSARY_TERM_URL,
            settings.GLOSSARY_NAME,
            settings.GLOSSARY_INDEX_URL,
        )
    )
    return hashlib.blake2b(described.encode(), digest_size=6).hexdigest()
