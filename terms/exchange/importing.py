"""The import: check the whole file, then write it all or nothing."""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from terms.changes import documents
from terms.history import record_versions
from terms.models import Alias, Category, Citation, OldSlug, SeeAlso, Source, Term
from terms.models.fields import derived_fields, fill_derived
from terms.progress import SILENT, Progress, Step

from .common import (
    BATCH_SIZE,
    CREATED,
    MODELS,
    NATURAL_KEYS,
    UNCHANGED,
    UNIQUE,
    UPDATED,
    content_fields,
    natural_key,
    show_key,
    stored,
    user_keys,
)


class ImportFailed(Exception):
    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass
class Record:
    """One object of the file, its values as Python values; foreign keys are
    natural keys. `ok` is false if it has a problem of its own; `status` and
    `final` are set once it is compared with the database."""

    model: type[models.Model]
    number: int
    values: dict[str, Any] = field(default_factory=dict)
    key: tuple | None = None
    ok: bool = True
    pk: int | None = None
    status: str = ""
    final: dict[str, Any] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)

    def __str__(self):
        label = self.model._meta.label_lower
        if self.key is None:
            return f"{label} (object {self.number})"
        return f"{label} {show_key(self.key)} (object {self.number})"


@dataclass
class Outcome:
    counts: dict[type[models.Model], Counter] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        return [
            f"{model._meta.label_lower}: {c[CREATED]} created, {c[UPDATED]} "
            f"updated, {c[UNCHANGED]} unchanged"
            for model, c in self.counts.items()
        ]

    def records(self) -> dict[type[models.Model], int]:
        """How many records of each model the file has."""
        return {model: c.total() for model, c in self.counts.items()}

    def totals(self) -> Counter:
        """How many records the import creates, updates and leaves unchanged."""
        return sum(self.counts.values(), Counter())


def import_glossary(
    text: str, *, dry_run: bool = False, progress: Progress = SILENT
) -> Outcome:
    """Create or update every record of a fixture, matched by natural key.

    A field the file leaves out keeps its value on an existing record, and
    gets the model's default on a new one (timestamps: now). Nothing is
    deleted. Raises ImportFailed, having written nothing, listing every
    problem found.
    """
    if not connection.features.can_return_rows_from_bulk_insert:
        raise ImportFailed(["the database cannot return ids from bulk inserts"])
    problems: list[tuple[int, str]] = []  # (object number, problem)
    records = parse(text, problems)
    outcome = Outcome()
    try:
        with transaction.atomic():
            with progress.step("Checking", len(records)) as step:
                plan = compare(records, problems, outcome, step)
            if problems:
                problems.sort(key=lambda problem: problem[0])
                raise ImportFailed([problem for _, problem in problems])
            if not dry_run:
                documents.build_after_commit(progress=progress)
                totals = outcome.totals()
                writes = totals[CREATED] + totals[UPDATED]
                with progress.step("Writing", writes) as step:
                    write(plan, step)
    except (IntegrityError, DataError) as error:
        raise ImportFailed([f"the database refused the file: {error}"]) from error
    return outcome


def parse(text: str, problems: list[tuple[int, str]]) -> list[Record]:
    """The file's records, with every problem of shape, model, field and
    value added to `problems`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problems.append((0, f"file: not valid JSON: {error}"))
        return []
    if not isinstance(data, list):
        problems.append((0, "file: expected a list of objects, as dumpdata writes"))
        return []
    labels = {model._meta.label_lower: model for model in MODELS}
    records = []
    for number, obj in enumerate(data, start=1):
        if not (
            isinstance(obj, dict)
            and isinstance(obj.get("model"), str)
            and isinstance(obj.get("fields"), dict)
        ):
            problem = f'object {number}: expected {{"model": …, "fields": {{…}}}}'
            problems.append((number, problem))
            continue
        model = labels.get(obj["model"].lower())
        if model is None:
            problem = (
                f"object {number}: {json.dumps(obj['model'])} is not a glossary "
                f"model; expected one of {', '.join(labels)}"
            )
            problems.append((number, problem))
            continue
        record = Record(model, number)
        errors = read_fields(record, obj["fields"])
        if set(NATURAL_KEYS[model]) <= record.values.keys():
            record.key = natural_key(model, record.values)
        for name in sorted(set(obj) - {"model", "fields"}):
            errors.append(f"{name}: not allowed; records are matched by natural key")
        for name in NATURAL_KEYS[model]:
            if name not in obj["fields"]:
                errors.append(f"{name}: required, as part of the natural key")
        problems += [(number, f"{record}: {error}") for error in errors]
        record.ok = not errors
        records.append(record)
    return records


def read_fields(record: Record, data: dict[str, Any]) -> list[str]:
    fields = {f.name: f for f in content_fields(record.model, reviewers=True)}
    errors = []
    for name, value in data.items():
        if name not in fields:
            errors.append(f"{name}: not a field of {record.model._meta.label_lower}")
            continue
        try:
            record.values[name] = from_json(fields[name], value)
        except ValidationError as error:
            errors += [f"{name}: {message}" for message in error.messages]
    return errors


def from_json(f: models.Field, value):
    if value is None:
        if f.null:
            return None
        raise ValidationError("This field cannot be null.")
    if f.is_relation:
        # Every model referred to has a one-part natural key: a slug, a key
        # or a username.
        if not (
            isinstance(value, list) and len(value) == 1 and isinstance(value[0], str)
        ):
            raise ValidationError(f'expected a natural key like ["…"], not {value!r}')
        return tuple(value)
    textual = models.CharField | models.TextField | models.DateField
    if isinstance(f, textual) and not isinstance(value, str):
        raise ValidationError(f"expected a string, not {value!r}")
    if isinstance(f, models.IntegerField) and type(value) is not int:  # not bool
        raise ValidationError(f"expected a whole number, not {value!r}")
    value = f.to_python(value)
    if isinstance(value, datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def compare(records, problems, outcome, step: Step) -> dict[type, list[Record]]:
    """Check the records against each other and the database, and decide
    for each whether it creates, updates or leaves a row unchanged."""
    now = timezone.now()
    user = get_user_model()
    keys = {user: user_keys()}
    present = {user: set(keys[user].values())}  # natural keys after the import
    by_model = defaultdict(list)
    for record in records:
        by_model[record.model].append(record)
    plan = {}
    for model in MODELS:
        fields = content_fields(model, reviewers=True)
        rows = stored(model, fields, keys)
        defaults = {f.name: f.get_default() for f in fields}
        first = {}
        plan[model] = []
        for record in by_model[model]:
            step.advance()
            if record.key in first:
                problem = f"the file already has it as object {first[record.key]}"
                problems.append((record.number, f"{record}: {problem}"))
                continue
            if record.key is not None:
                first[record.key] = record.number
            errors = []
            if record.ok:
                errors += check_references(record, fields, present, outcome.warnings)
            pk, before = rows.get(record.key, (None, None))
            record.pk = pk
            record.final = (before or defaults) | record.values
            # A record with a problem already is checked only for what it gives.
            given = None if pk is None and record.ok else record.values
            errors += validate(record, fields, given)
            problems += [(record.number, f"{record}: {error}") for error in errors]
            if record.ok:
                settle(record, before, now)
                plan[model].append(record)
        present[model] = rows.keys() | first.keys()
        check_unique(model, rows, first.keys(), plan[model], problems)
        if model is OldSlug:
            check_old_slugs(plan[model], present[Term], problems)
        counts = Counter(record.status for record in plan[model])
        outcome.counts[model] = counts
        outcome.changes += [
            f"{record.status} {record}"
            for record in plan[model]
            if record.status != UNCHANGED
        ]
    check_publishable(plan, problems)
    return plan


def check_references(record, fields, present, warnings: list[str]) -> list[str]:
    """Problems with what the record refers to. An unknown reviewer is only
    a warning: user accounts differ between deployments."""
    errors = []
    for f in fields:
        target = record.values.get(f.name) if f.is_relation else None
        if target is None or target in present[f.related_model]:
            continue
        if f.related_model is get_user_model():
            warnings.append(
                f"{record}: {f.name}: no user {target[0]!r} here, so the "
                "reviewer is not imported"
            )
            del record.values[f.name]  # as if the file left it out
        else:
            errors.append(
                f"{f.name}: no {f.related_model._meta.verbose_name} "
                f'"{target[0]}" in the file or the database'
            )
    if record.model is SeeAlso and record.values["term"] == record.values["target"]:
        errors.append("target: A term cannot link to itself.")
    return errors


def settle(record: Record, before: dict | None, now: datetime):
    if record.final == before:
        record.status = UNCHANGED
        return
    record.status = CREATED if before is None else UPDATED
    # Timestamps the file leaves out are set as auto_now(_add) would set them.
    for name in ["created_at", "updated_at"] if before is None else ["updated_at"]:
        if name in record.final and name not in record.values:
            record.final[name] = now
    if before is not None:
        record.changed = {n for n, value in record.final.items() if value != before[n]}


def validate(record: Record, fields, given: dict | None) -> list[str]:
    """The fields' own validators, as full_clean() runs them: all fields, or
    only those `given`. Foreign keys and uniqueness are checked for all the
    records at once instead, not with queries for each."""
    instance = record.model(
        **{f.attname: record.final[f.name] for f in fields if not f.is_relation}
    )
    exclude = {f.name for f in fields if f.is_relation}
    if given is not None:
        exclude |= {f.name for f in fields} - given.keys()
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as error:
        return [
            f"{name}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []


def check_unique(model, rows, in_file, records: list[Record], problems: list):
    """UNIQUE's rules; a rule's message may depend on the two records' values
    (a name that is the same, or only looks the same, as another's)."""
    label = model._meta.label_lower
    for name, value_of, message in UNIQUE.get(model, []):
        holders = {}
        for key, (_, values) in rows.items():
            if key not in in_file and (value := value_of(values)) is not None:
                holders[value] = (f"{label} {show_key(key)} in the database", values)
        for record in records:
            value = value_of(record.final)
            if value is None:
                continue
            if value in holders:
                holder, values = holders[value]
                said = message
                if callable(message):
                    said = message(record.final[name], values[name]).messages[0]
                problem = f"{record}: {name}: {said} ({holder})"
                problems.append((record.number, problem))
            else:
                holders[value] = (f"object {record.number}", record.final)


def check_old_slugs(records: list[Record], live: set[tuple], problems: list):
    """OldSlug.clean(), against the terms as they would be after the import."""
    for record in records:
        if (record.final["slug"],) in live:
            problems.append((record.number, f"{record}: slug: {OldSlug.IN_USE}"))


def check_publishable(plan: dict[type, list[Record]], problems: list):
    """The publishing rule (Term.validate_publishable) for every term the
    import creates or changes, with the sources it would cite: those stored
    and those in the file (an import deletes no citation)."""
    terms = [
        record
        for record in plan[Term]
        if record.status != UNCHANGED
        and record.final["status"] == Term.Status.PUBLISHED
    ]
    if not terms:
        return
    sources = defaultdict(set)
    stored = Citation.objects.filter(
        role=Citation.Role.SOURCE,
        term__slug__in=[record.final["slug"] for record in terms],
    )
    for slug, key in stored.values_list("term__slug", "source__key"):
        sources[slug].add(key)
    for record in plan[Citation]:
        if record.final["role"] == Citation.Role.SOURCE:
            sources[record.final["term"][0]].add(record.final["source"][0])
    for record in terms:
        fields = ("name", "slug", "status", "summary", "definition")
        term = Term(**{name: record.final[name] for name in fields})
        try:
            term.validate_publishable(source_count=len(sources[term.slug]))
        except ValidationError as error:
            for message in error.messages:
                problems.append((record.number, f"{record}: status: {message}"))


def write(plan: dict[type, list[Record]], step: Step):
    now = timezone.now()
    ids = {get_user_model(): {key: pk for pk, key in user_keys().items()}}
    for model in MODELS:
        fields = content_fields(model, reviewers=True)

        derived = derived_fields(model)

        def instance(record, fields=fields, model=model):
            obj = model(pk=record.pk)
            for f in fields:
                value = record.final[f.name]
                if f.is_relation and value is not None:
                    value = ids[f.related_model][value]
                setattr(obj, f.attname, value)
            fill_derived(obj)
            return obj

        # Updates first: they may free a unique value that a new row takes.
        # Bulk writes send no signals, so django-simple-history is told here:
        # editors see the import in a record's history and can undo it. A
        # batch at a time, each with its versions, to show progress.
        changes = [r for r in plan[model] if r.status == UPDATED]
        updated = [instance(r) for r in changes]
        changed = {name for r in changes for name in r.changed}
        changed |= {f.name for f in derived if f.source in changed}
        for batch in batches(updated):
            # Only the columns that change: each is a CASE over the batch.
            model._base_manager.bulk_update(batch, sorted(changed))
            record_versions({model: batch}, "import_glossary", date=now, update=True)
            step.advance(len(batch))
        created = [instance(r) for r in plan[model] if r.status == CREATED]
        for batch in batches(created):
            insert_as_given(model, batch, fields + derived)
            record_versions({model: batch}, "import_glossary", date=now)
            step.advance(len(batch))
        if model is Term and created:
            # A slug taken back is no longer an old one (Term.after_save).
            OldSlug.objects.filter(slug__in=[t.slug for t in created]).delete()
        if model is Term:
            touch_terms_of_changed_rows(plan, now)
        if model in (Category, Source, Term):  # the models referred to
            column = NATURAL_KEYS[model][0]
            pairs = model._base_manager.values_list(column, "pk")
            ids[model] = {(value,): pk for value, pk in pairs}


def touch_terms_of_changed_rows(plan, now):
    """A term whose aliases, citations or links change, and not its own
    fields, gets a new version before them, as ContentModel.touch() gives
    it in the admin and the API: restores find a version's rows by the
    term's next version."""
    own = {r.key for r in plan[Term] if r.status != UNCHANGED}
    slugs = {
        r.final["term"][0]
        for model in (Alias, Citation, SeeAlso)
        for r in plan[model]
        if r.status != UNCHANGED and r.final["term"] not in own
    }
    terms = list(Term.objects.filter(slug__in=slugs))
    for term in terms:
        term.updated_at = now
    bulk_update_with_history(
        terms,
        Term,
        ["updated_at"],
        batch_size=BATCH_SIZE,
        default_date=now,
        default_change_reason="import_glossary",
    )


def batches(objs: list) -> list[list]:
    return [objs[i : i + BATCH_SIZE] for i in range(0, len(objs), BATCH_SIZE)]


def insert_as_given(model, objs, fields):
    """bulk_create() without pre_save(), which would stamp auto_now fields
    with now(): timestamps are the file's. A raw insert is what loaddata's
    save(raw=True) does, but one query per batch instead of one per row."""
    returning = model._meta.db_returning_fields
    size = min(connection.ops.bulk_batch_size(fields, objs) or 1, BATCH_SIZE)
    for start in range(0, len(objs), size):
        batch = objs[start : start + size]
        rows = model._base_manager._insert(
            batch, fields, returning_fields=returning, raw=True
        )
        for obj, row in zip(batch, rows, strict=True):
            for f, value in zip(returning, row, strict=True):
                setattr(obj, f.attname, value)
