"""The import: check every record of the file, then write it all or nothing.

The file is read once, object by object, into a spool per model
(reading.py). Each model is then checked in dependency order, a batch at a
time against the rows it would change; what the checks need across records
(natural keys seen, unique values, which terms exist) is kept as keys and
values, not as records, in a temporary SQLite file (ledger.py), so that
memory does not grow with the glossary. The records to write go to another
spool each, which writing.py writes only once every record has passed.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, models, transaction
from django.db.models import Count, Q
from django.utils import timezone

from terms.changes import documents
from terms.models import Citation, OldSlug, SeeAlso, Term
from terms.progress import SILENT, Progress, Step

from .common import (
    BATCH_SIZE,
    CREATED,
    MODELS,
    NATURAL_KEYS,
    UNCHANGED,
    UNIQUE,
    UPDATED,
    columns,
    content_fields,
    each_stored,
    ids,
    key_column,
    show_key,
    stored,
)
from .ledger import Ledger, Table
from .reading import Record, Spool, Spools, read
from .writing import Plan, write


class ImportFailed(Exception):
    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass
class Outcome:
    counts: dict[type[models.Model], Counter] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)  # when asked for
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
    file: BinaryIO,
    *,
    dry_run: bool = False,
    list_changes: bool = False,
    progress: Progress = SILENT,
) -> Outcome:
    """Create or update every record of a fixture, matched by natural key.

    A field the file leaves out keeps its value on an existing record, and
    gets the model's default on a new one (timestamps: now). Nothing is
    deleted. Raises ImportFailed, having written nothing, listing every
    problem found. `list_changes` lists each record created or updated in
    the outcome's `changes`.
    """
    if not connection.features.can_return_rows_from_bulk_insert:
        raise ImportFailed(["the database cannot return ids from bulk inserts"])
    problems: list[tuple[int, str]] = []  # (object number, problem)
    outcome = Outcome()
    with Spools() as spools, Spools() as plan_spools, Ledger() as ledger:
        with progress.step("Reading", unit="objects") as step:
            read(file, spools, problems, step)
        try:
            with transaction.atomic():
                total = sum(spool.count for spool in spools.values())
                with progress.step("Checking", total) as step:
                    check = Check(spools, plan_spools, ledger, problems, outcome, step)
                    plan = check.run(list_changes=list_changes)
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


@dataclass
class Unique:
    """A unique rule's values: those held by rows the file leaves alone, with
    their holders, and those of the stored rows it changes, by key."""

    held: Table
    stored_in_file: Table


class Check:
    """The records against each other and the database, a model at a time:
    for each, whether it creates, updates or leaves a row unchanged."""

    def __init__(
        self, spools, plan_spools, ledger: Ledger, problems, outcome, step: Step
    ):
        self.spools, self.ledger, self.problems, self.outcome, self.step = (
            spools,
            ledger,
            problems,
            outcome,
            step,
        )
        self.plan = Plan(plan_spools, ledger.table(), ledger.table())
        self.now = timezone.now()
        user = get_user_model()
        # The natural keys of the rows referred to, as after the import. User
        # accounts are few, and not the file's: those stay in memory.
        self.present = {user: ids(user).keys()}
        # How many new source citations each term gets from the file.
        self.new_sources = ledger.table()

    def run(self, *, list_changes: bool) -> Plan:
        for model in MODELS:
            spool = self.spools[model]
            counts = Counter()
            for record in self.model_records(model, spool):
                counts[record.status] += 1
                if record.status != UNCHANGED:
                    self.plan.add(record)
                    if list_changes:
                        self.outcome.changes.append(f"{record.status} {record}")
            self.outcome.counts[model] = counts
            if model is Citation:
                self.check_publishable()
        return self.plan

    def model_records(self, model, spool: Spool):
        """The model's records that pass, each with its status."""
        fields = content_fields(model, reviewers=True)
        defaults = {f.name: f.get_default() for f in fields}
        first = self.first_of_each_key(spool)
        if model in self.plan.referred_to:
            self.present[model] = present = self.ledger.table()
            column = key_column(model)
            rows = model._base_manager.values_list(column, flat=True)
            present.setdefaults(((v,), None) for v in rows.iterator(chunk_size=2000))
            present.add_keys_of(first)
        unique = self.unique_holders(model, first)
        for batch in spool.batches(BATCH_SIZE):
            keys = [r.key for r in batch if r.key is not None]
            rows = stored_rows(model, fields, keys)
            for record in batch:
                self.step.advance()
                if record.key is not None and (n := first[record.key]) != record.number:
                    problem = f"the file already has it as object {n}"
                    self.problems.append((record.number, f"{record}: {problem}"))
                    continue
                errors = []
                if record.ok:
                    errors += self.check_references(record, fields)
                pk, before = rows.get(record.key, (None, None))
                record.pk = pk
                record.final = (before or defaults) | record.values
                # A record with a problem already is checked only for what it
                # gives.
                given = None if pk is None and record.ok else record.values
                errors += validate(record, fields, given)
                self.problems += [(record.number, f"{record}: {e}") for e in errors]
                if not record.ok:
                    continue
                settle(record, before, self.now)
                self.check_unique(record, unique)
                if model is OldSlug and (record.final["slug"],) in self.present[Term]:
                    problem = f"{record}: slug: {OldSlug.IN_USE}"
                    self.problems.append((record.number, problem))
                if (
                    model is Citation
                    and record.status == CREATED
                    and record.final["role"] == Citation.Role.SOURCE
                ):
                    term = record.final["term"]
                    self.new_sources[term] = self.new_sources.get(term, 0) + 1
                yield record

    def first_of_each_key(self, spool: Spool) -> Table:
        """Each natural key's first object number in the file."""
        first = self.ledger.table()
        first.setdefaults((r.key, r.number) for r in spool if r.key is not None)
        return first

    def check_references(self, record: Record, fields) -> list[str]:
        """Problems with what the record refers to. An unknown reviewer is only
        a warning: user accounts differ between deployments."""
        errors = []
        for f in fields:
            target = record.values.get(f.name) if f.is_relation else None
            if target is None or target in self.present[f.related_model]:
                continue
            if f.related_model is get_user_model():
                self.outcome.warnings.append(
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

    def unique_holders(self, model, in_file: Table) -> dict[str, Unique]:
        """For each of UNIQUE's rules, the values held by rows the file leaves
        alone, and who holds each (with the value of the rule's field, for
        messages that compare the two); and the values held by stored rows
        the file changes, by their keys."""
        rules = UNIQUE.get(model, [])
        if not rules:
            return {}
        label = model._meta.label_lower
        names = {*NATURAL_KEYS[model], *(name for name, _, _ in rules)}
        fields = [model._meta.get_field(name) for name in names]
        unique = {
            name: Unique(self.ledger.table(), self.ledger.table())
            for name, _, _ in rules
        }
        for key, _, values in each_stored(model, fields):
            for name, value_of, _ in rules:
                if (value := value_of(values)) is None:
                    continue
                if key in in_file:
                    unique[name].stored_in_file[value] = key
                else:
                    unique[name].held[value] = (
                        f"{label} {show_key(key)} in the database",
                        values[name],
                    )
        return unique

    def check_unique(self, record: Record, unique: dict[str, Unique]):
        """UNIQUE's rules; a rule's message may depend on the two records'
        values (a name that is the same, or only looks the same, as
        another's)."""
        for name, value_of, message in UNIQUE.get(record.model, []):
            value = value_of(record.final)
            if value is None:
                continue
            held = unique[name].held
            if (holding := held.get(value)) is not None:
                holder, other = holding
                if isinstance(holder, int):
                    holder = f"object {holder}"
                said = message
                if callable(message):
                    said = message(record.final[name], other).messages[0]
                problem = f"{record}: {name}: {said} ({holder})"
                self.problems.append((record.number, problem))
                continue
            held[value] = (record.number, record.final[name])
            giver = unique[name].stored_in_file.get(value)
            if record.status == UPDATED and giver and tuple(giver) != record.key:
                # The writes update stored rows a batch at a time, and the
                # database checks the constraint row by row.
                problem = (
                    f"{record}: {name}: still held by {record.model._meta.label_lower} "
                    f"{show_key(tuple(giver))} in the database, which this file "
                    "changes; an import cannot move a unique value from one "
                    "stored record to another: import the record that gives it "
                    "up first, in a file of its own"
                )
                self.problems.append((record.number, problem))

    def check_publishable(self):
        """The publishing rule (Term.validate_publishable) for every term the
        import creates or changes, with the sources it would cite: those
        stored and those the file adds (an import deletes no citation)."""
        for batch in self.plan.spools[Term].batches(BATCH_SIZE):
            terms = [r for r in batch if r.final["status"] == Term.Status.PUBLISHED]
            slugs = [r.final["slug"] for r in terms]
            cited = dict(
                Term.objects.filter(slug__in=slugs)
                .annotate(
                    n=Count("citations", filter=Q(citations__role=Citation.Role.SOURCE))
                )
                .values_list("slug", "n")
            )
            for record in terms:
                count = cited.get(record.final["slug"], 0)
                count += self.new_sources.get((record.final["slug"],), 0)
                fields = ("name", "slug", "status", "summary", "definition")
                term = Term(**{name: record.final[name] for name in fields})
                try:
                    term.validate_publishable(source_count=count)
                except ValidationError as error:
                    for message in error.messages:
                        problem = f"{record}: status: {message}"
                        self.problems.append((record.number, problem))


def stored_rows(model, fields, keys: list[tuple]) -> dict:
    """The stored rows with these natural keys, as stored() gives them."""
    if not keys:
        return {}
    column = columns(fields)[NATURAL_KEYS[model][0]]
    query = model._base_manager.filter(**{f"{column}__in": {key[0] for key in keys}})
    wanted = set(keys)
    return {k: row for k, row in stored(model, fields, query).items() if k in wanted}


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
