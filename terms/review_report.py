"""The review report: published terms that are overdue or never reviewed."""

import json
from dataclasses import asdict, dataclass
from datetime import date

from django.utils import timezone

from .models import Term
from .review import ReviewState


@dataclass(frozen=True)
class Row:
    slug: str
    name: str
    state: str
    last_reviewed: str | None
    review_due: str


def report(today: date | None = None) -> list[Row]:
    today = today or timezone.localdate()
    published = Term.objects.published()
    terms = [
        *published.in_review_state(ReviewState.OVERDUE, today),
        *published.in_review_state(ReviewState.NEVER_REVIEWED, today),
    ]
    return sorted(
        (
            Row(
                slug=term.slug,
                name=term.name,
                state=term.review_state,
                last_reviewed=term.last_reviewed and term.last_reviewed.isoformat(),
                review_due=term.review_due.isoformat(),
            )
            for term in terms
        ),
        key=lambda row: (row.review_due, row.name),
    )


def as_json(rows: list[Row]) -> str:
    return json.dumps([asdict(row) for row in rows], indent=2, ensure_ascii=False)


def as_table(rows: list[Row]) -> str:
    if not rows:
        return "No published term is overdue or never reviewed."
    header = ("review due", "state", "last reviewed", "term")
    lines = [
        (row.review_due, row.state.replace("_", " "), row.last_reviewed or "never",
         f"{row.name} ({row.slug})")
        for row in rows
    ]  # fmt: skip
    widths = [
        max(len(str(cell)) for cell in column)
        for column in zip(header, *lines, strict=True)
    ]
    return "\n".join(
        "  ".join(
            str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)
        ).rstrip()
        for line in [header, *lines]
    )
