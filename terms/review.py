"""The review cycle: when a term is due for review, and its review state.

A reviewed term is due `review_interval_days` (or the site's
GLOSSARY_REVIEW_INTERVAL_DAYS) after its last review; a term never reviewed
has been due since it was created. A term is overdue once its due date has
passed, and due soon within GLOSSARY_REVIEW_DUE_SOON_DAYS of it.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, DateField, F, Func, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone


class ReviewState(models.TextChoices):
    NEVER_REVIEWED = "never_reviewed", "never reviewed"
    OVERDUE = "overdue", "overdue"
    DUE_SOON = "due_soon", "due soon"
    FRESH = "fresh", "fresh"


class AddDays(Func):
    """date + a whole number of days, in SQL that SQLite and PostgreSQL share."""

    output_field = DateField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        (day, day_params), (n, n_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        if connection.vendor == "sqlite":
            sql = f"date({day}, '+' || ({n}) || ' days')"
        else:
            sql = f"({day} + ({n}))"
        return sql, (*day_params, *n_params)


def review_due_expression():
    """The due date of each row, for filtering and ordering in the database."""
    interval = Coalesce(F("review_interval_days"), Value(default_interval()))
    return Case(
        When(last_reviewed__isnull=True, then=TruncDate("created_at")),
        default=AddDays(F("last_reviewed"), interval),
        output_field=DateField(),
    )


def default_interval() -> int:
    return settings.GLOSSARY_REVIEW_INTERVAL_DAYS


def due_date(last_reviewed: date | None, interval_days: int | None, created) -> date:
    if last_reviewed is None:
        return timezone.localdate(created)
    return last_reviewed + timedelta(days=interval_days or default_interval())


def state(last_reviewed: date | None, due: date, today: date | None = None) -> str:
    today = today or timezone.localdate()
    if last_reviewed is None:
        return ReviewState.NEVER_REVIEWED
    if due < today:
        return ReviewState.OVERDUE
    if due <= today + timedelta(days=settings.GLOSSARY_REVIEW_DUE_SOON_DAYS):
        return ReviewState.DUE_SOON
    return ReviewState.FRESH


def next_turn(last_reviewed: date | None, due: date, today: date | None = None):
    """The first day after `today` whose review state differs from today's;
    None when it will never change by itself (never reviewed, overdue)."""
    today = today or timezone.localdate()
    soon = due - timedelta(days=settings.GLOSSARY_REVIEW_DUE_SOON_DAYS)
    if last_reviewed is None or due < today:
        return None
    if soon > today:
        return soon
    return due + timedelta(days=1)
