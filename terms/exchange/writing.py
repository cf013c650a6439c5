"""The import's writes: the records that create or update a row, a batch
at a time, in dependency order, once every record of the file has passed
its checks (importing.py)."""

from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from terms.history import record_versions
from terms.models import Alias, Category, Citation, OldSlug, SeeAlso, Source, Term
from terms.models.fields import derived_fields, fill_derived
from terms.progress import Step

from .common import (
    BATCH_SIZE,
    CREATED,
    MODELS,
    UPDATED,
    batched,
    content_fields,
    ids,
)
from .ledger import Table
from .reading import Record, Spools


class Plan:
    """What the import writes: a spool of records for each model, and the
    terms whose aliases, citations or links change but not their own
    fields."""

    referred_to = (Category, Source, Term)

    def __init__(self, spools: Spools, own: Table, touched: Table):
        self.spools = spools
        self.own = own  # the natural keys of the terms written
        self.touched = touched  # slugs of the terms only their rows change

    def add(self, record: Record):
        self.spools[record.model].add(record)
        if record.model is Term:
            self.own[record.key] = None
        elif (
            record.model in (Alias, Citation, SeeAlso)
            and record.final["term"] not in self.own
        ):
            self.touched[record.final["term"][0]] = None


def write(plan: Plan, step: Step):
    now = timezone.now()
    user = get_user_model()
    users = ids(user)
    for model in MODELS:
        spool = plan.spools.get(model)
        fields = content_fields(model, reviewers=True)
        derived = derived_fields(model)

        def instance(record, known, fields=fields, model=model):
            obj = model(pk=record.pk)
            for f in fields:
                value = record.final[f.name]
                if f.is_relation and value is not None:
                    value = known[f.related_model][value]
                setattr(obj, f.attname, value)
            fill_derived(obj)
            return obj

        # Updates first: they may free a unique value that a new row takes.
        # Bulk writes send no signals, so django-simple-history is told here:
        # editors see the import in a record's history and can undo it. A
        # batch at a time, each with its versions.
        for records in batches_of(spool, UPDATED):
            # Only the columns that change: each is a CASE over the batch.
            changed = {name for r in records for name in r.changed}
            changed |= {f.name for f in derived if f.source in changed}
            known = referred_to(records, fields, users)
            batch = [instance(r, known) for r in records]
            model._base_manager.bulk_update(batch, sorted(changed))
            record_versions({model: batch}, "import_glossary", date=now, update=True)
            step.advance(len(batch))
        for records in batches_of(spool, CREATED):
            known = referred_to(records, fields, users)
            batch = [instance(r, known) for r in records]
            insert_as_given(model, batch, fields + derived)
            record_versions({model: batch}, "import_glossary", date=now)
            if model is Term:
                # A slug taken back is no longer an old one (Term.after_save).
                OldSlug.objects.filter(slug__in=[t.slug for t in batch]).delete()
            step.advance(len(batch))
        if model is Term:
            touch_terms(plan.touched, now)


def referred_to(records: list[Record], fields, users: dict) -> dict:
    """The pks of the rows a batch of records refers to, by model and natural
    key: a query per model, rather than every row's pk held throughout."""
    keys = {}
    for f in fields:
        if f.is_relation and f.related_model is not get_user_model():
            wanted = keys.setdefault(f.related_model, set())
            wanted.update(r.final[f.name][0] for r in records if r.final[f.name])
    return {get_user_model(): users} | {
        model: ids(model, values) for model, values in keys.items()
    }


def batches_of(spool, status: str) -> Iterator[list[Record]]:
    """The spool's records of one status, BATCH_SIZE at a time."""
    if spool is None:
        return iter(())
    return batched(record for record in spool if record.status == status)


def touch_terms(slugs: Table, now):
    """A term whose aliases, citations or links change, and not its own
    fields, gets a new version before them, as ContentModel.touch() gives
    it in the admin and the API: restores find a version's rows by the
    term's next version."""
    for batch in batched(slugs.keys()):
        terms = list(Term.objects.filter(slug__in=batch))
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
