"""Validators shared by the models, the admin and the API, so both agree."""

import re
import unicodedata
from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

# New-style arXiv ids (arXiv:2212.08073, optionally versioned) and old-style
# archive ids (arXiv:hep-th/9901001).
ARXIV_RE = re.compile(r"^arXiv:(\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})(v\d+)?$")
# The DOI handbook's syntax: the "10." directory, a registrant code, a slash
# and a suffix of printable characters.
DOI_RE = re.compile(r"^10\.\d{4,9}(\.\d+)*/\S+$")

EARLIEST_YEAR = 1450  # the printing press; anything older is a typo
# Definitions run to a few thousand characters; far more is an error or abuse.
MARKDOWN_MAX_LENGTH = 20_000

validate_http_url = URLValidator(
    schemes=["http", "https"],
    message="Enter an http:// or https:// URL.",
    code="invalid_url",
)


def validate_identifier(value: str) -> None:
    if not value:
        return
    if ARXIV_RE.match(value) or DOI_RE.match(value):
        return
    raise ValidationError(
        "%(value)s is not an arXiv id (arXiv:2212.08073) or a DOI (10.1000/xyz).",
        code="invalid_identifier",
        params={"value": value},
    )


def year_range() -> tuple[int, int]:
    """The plausible publication years: from the printing press to next year
    (a forthcoming work). The API's schema declares the same bounds."""
    return EARLIEST_YEAR, timezone.localdate().year + 1


def validate_year(value: int) -> None:
    earliest, latest = year_range()
    if not earliest <= value <= latest:
        raise ValidationError(
            "%(value)s is not a plausible publication year "
            "(%(earliest)s to %(latest)s).",
            code="implausible_year",
            params={"value": value, "earliest": earliest, "latest": latest},
        )


def validate_not_future(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError(
            "%(value)s is in the future.",
            code="future_date",
            params={"value": value.isoformat()},
        )


# Control and format characters (a zero-width space, a right-to-left
# override, an ANSI escape), private-use, unassigned and line separators:
# invisible or misleading in a name.
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"}


def validate_visible_text(value: str) -> None:
    hidden = [c for c in value if unicodedata.category(c) in INVISIBLE_CATEGORIES]
    if hidden:
        raise ValidationError(
            "Remove the invisible or control characters (%(found)s).",
            code="invisible_characters",
            params={
                "found": ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(hidden))
            },
        )


def validate_markdown(value: str) -> None:
    from .rendering import MarkdownTooDeep, markdown_to_html

    if len(value) > MARKDOWN_MAX_LENGTH:
        return  # refused by the field's length validator, without rendering it

    try:
        markdown_to_html(value)
    except MarkdownTooDeep as error:
        raise ValidationError(
            "This Markdown is nested too deeply to render.", code="markdown_too_deep"
        ) from error


def in_utc(value: datetime) -> datetime:
    """An aware date-time in UTC, which every database can store and compare
    (PostgreSQL takes offsets only to ±15:59, where ISO 8601 allows ±23:59);
    a ValueError when it falls outside the years 1 to 9999 in UTC."""
    try:
        return value.astimezone(UTC)
    except OverflowError as error:
        raise ValueError(
            "This date-time is outside the years 1 to 9999 in UTC."
        ) from error
