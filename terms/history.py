"""Revision history of the content: every way it arrives leaves a first
version, and restoring a term's version puts back what that version had
without deleting what it cannot put back."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst

from terms.models import Alias, Citation, SeeAlso, Source, Term
from terms.models.base import content_values

# A term's rows, and what each refers to that a restore needs to exist.
RELATED = [
    (Alias, None, None),
    (Citation, "source_id", Source),
    (SeeAlso, "target_id", Term),
]


def record_versions(
    objs_by_model: dict[type, list], reason: str, *, date=None, update=False
):
    """A history version for each object written without one (bulk writes and
    fixture loads send no signals django-simple-history hears)."""
    date = date or timezone.now()
    for model, objs in objs_by_model.items():
        manager = history_manager(model)
        if manager is not None and objs:
            manager.bulk_history_create(
                objs,
                update=update,
                default_date=date,
                default_change_reason=reason,
                batch_size=1000,
            )


def describe(row) -> str:
    """A row as an editor knows it: the alias, the cited source, the term."""
    if isinstance(row, Citation):
        source = Source.objects.filter(pk=row.source_id).first()
        return f"{source or 'a deleted source'} ({row.get_role_display()})"
    if isinstance(row, SeeAlso):
        return str(Term.objects.filter(pk=row.target_id).first() or "a deleted term")
    return str(row)


def rows_at(term: Term, version) -> list[list[models.Model]]:
    """A version's aliases, citations and see-also links (one list for each
    of RELATED): those in place just before the term's next version, as the
    admin saves a term before its inlines."""
    later = term.history.filter(history_date__gt=version.history_date).last()
    until = later.history_date - timedelta(microseconds=1) if later else None
    return [
        list(model.history.as_of(until or timezone.now()).filter(term_id=term.pk))
        for model, _, _ in RELATED
    ]


def history_manager(model):
    name = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, name) if name else None


@dataclass
class Restore:
    """What restoring a term's version does to its aliases, citations and
    see-also links.

    `back` are the version's rows that come back as they were; `removed`,
    rows added since, which the restore deletes (their history keeps them);
    `kept`, rows with no history at all, which a restore could not put back
    if it removed them, so it leaves them; `lost`, the version's rows whose
    source or target has since been deleted.
    """

    back: list[models.Model] = field(default_factory=list)
    # Those of `back` that differ from the rows stored now, or are gone.
    writes: list[models.Model] = field(default_factory=list)
    removed: list[models.Model] = field(default_factory=list)
    kept: list[models.Model] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, term: Term, version_id: int) -> "Restore":
        version = term.history.get(history_id=version_id)
        restore = cls()
        for (model, reference, referenced), then in zip(
            RELATED, rows_at(term, version), strict=True
        ):
            then = {row.pk: row for row in then}
            recorded = set(
                model.history.filter(term_id=term.pk).values_list("id", flat=True)
            )
            stored = {row.pk: row for row in model.objects.filter(term_id=term.pk)}
            for row in stored.values():
                if row.pk not in recorded:
                    restore.kept.append(row)
                elif row.pk not in then:
                    restore.removed.append(row)
            held = {row.natural_key() for row in restore.kept if type(row) is model}
            # A row of the version that now belongs to another term stays there.
            moved = set(
                model.objects.filter(pk__in=then)
                .exclude(term_id=term.pk)
                .values_list("pk", flat=True)
            )
            for pk in moved:
                restore.lost.append(f"{describe(then.pop(pk))}: now another term's")
            existing = set()
            if reference:
                wanted = {getattr(row, reference) for row in then.values()}
                existing = set(
                    referenced.objects.filter(pk__in=wanted).values_list(
                        "pk", flat=True
                    )
                )
            for row in then.values():
                if reference and getattr(row, reference) not in existing:
                    gone = referenced.history.filter(id=getattr(row, reference))
                    last = gone.exclude(history_type="-").first()
                    what = last.instance if last else f"#{getattr(row, reference)}"
                    restore.lost.append(f"{model._meta.verbose_name} of {what}")
                elif row.natural_key() not in held:
                    restore.back.append(row)
                    if row.pk not in stored or content_values(
                        stored[row.pk]
                    ) != content_values(row):
                        restore.writes.append(row)
        return restore

    def lines(self) -> list[tuple[str, str, str]]:
        """(kind of row, what it shows, what the restore does with it)."""
        outcomes = [
            (self.back, "comes back"),
            (self.kept, "kept: no earlier version of it is recorded"),
            (self.removed, "removed: added after this version"),
        ]
        lines = [
            (row._meta.verbose_name, describe(row), outcome)
            for rows, outcome in outcomes
            for row in rows
        ]
        lost = "cannot come back: what it points to was deleted"
        return lines + [("", row, lost) for row in self.lost]

    @property
    def source_count(self) -> int:
        """How many sources the term cites once restored."""
        return sum(
            1
            for row in self.back + self.kept
            if isinstance(row, Citation) and row.role == Citation.Role.SOURCE
        )

    @property
    def changes(self) -> bool:
        return bool(self.removed or self.writes)

    def apply(self):
        """Delete what was added since the version, then put its rows back.

        The rows to rewrite are deleted first and inserted again, so rows
        whose values were swapped (two aliases renamed into each other) do
        not meet on a unique constraint; a row that would clash with one
        kept is not restored, and said so.
        """
        for row in self.removed:
            row.delete()
        for row in self.writes:
            type(row).objects.filter(pk=row.pk).delete()
        for row in self.writes:
            try:
                row.validate_constraints()
            except ValidationError:
                self.lost.append(f"{describe(row)}: clashes with one kept")
                continue
            row.save(force_insert=True)


EMPTY = "—"
# The term's own fields a version shows, in the order of its admin form.
COMPARED = [
    "name",
    "slug",
    "title",
    "category",
    "status",
    "summary",
    "definition",
    "example",
    "last_reviewed",
    "review_interval_days",
]


def comparison(term: Term, versions: list) -> list[tuple[str, list[str]]]:
    """What each of a term's `versions` says: (what, [value in each version]),
    for its fields, then its aliases, citations and see-also links."""
    lines = [
        (capfirst(Term._meta.get_field(name).verbose_name), []) for name in COMPARED
    ] + [(capfirst(model._meta.verbose_name_plural), []) for model, _, _ in RELATED]
    for version in versions:
        values = [shown(version, name) for name in COMPARED]
        for rows in rows_at(term, version):
            shown_rows = sorted((getattr(r, "position", 0), describe(r)) for r in rows)
            values.append("\n".join(text for _, text in shown_rows) or EMPTY)
        for (_, column), value in zip(lines, values, strict=True):
            column.append(value)
    return lines


def shown(version, name: str) -> str:
    """A field of a historical record as the admin shows it."""
    field = Term._meta.get_field(name)
    value = getattr(version, field.attname)
    if field.choices:
        value = dict(field.flatchoices).get(value, value)
    elif field.is_relation and value is not None:
        related = field.related_model.objects.filter(pk=value).first()
        value = related or f"a deleted {field.related_model._meta.verbose_name}"
    return EMPTY if value in (None, "") else str(formats.localize(value))
