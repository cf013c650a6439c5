"""Reading an import file object by object, never whole: each object is
checked for its shape, model and fields as it comes, then set aside with
the others of its model in a temporary file (a Spool), so that the import
can go through the models in dependency order, whatever the file's order,
holding one batch of records at a time."""

import itertools
import json
import pickle
import reprlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

import ijson
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from terms.progress import Step
from terms.validators import in_utc

from .common import (
    MODELS,
    NATURAL_KEYS,
    batched,
    content_fields,
    natural_key,
    show_key,
)


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


class Spool:
    """Records kept in a temporary file, read back in the order added."""

    def __init__(self):
        # Open while the import runs: Spools closes it (no `with` spans that).
        self.file = tempfile.TemporaryFile()  # noqa: SIM115
        self.count = 0

    def add(self, record: Record):
        self.file.seek(0, 2)
        pickle.dump(record, self.file, pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def __iter__(self) -> Iterator[Record]:
        self.file.seek(0)
        for _ in range(self.count):
            # Our own file, written above: nothing else is unpickled.
            yield pickle.load(self.file)

    def batches(self, size: int) -> Iterator[list[Record]]:
        return batched(self, size)

    def close(self):
        self.file.close()


class Spools(dict[type[models.Model], Spool]):
    """A spool for each model, closed (and so deleted) on leaving."""

    def __missing__(self, model):
        spool = self[model] = Spool()
        return spool

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for spool in self.values():
            spool.close()


def read(file: BinaryIO, spools: Spools, problems: list[tuple[int, str]], step: Step):
    """Set aside the file's records in `spools`, by model, adding every
    problem of shape, model, field and value to `problems`."""
    labels = {model._meta.label_lower: model for model in MODELS}
    try:
        events = ijson.parse(file, use_float=True)
        first = next(events, None)
        if first is not None and first[1] != "start_array":
            problems.append((0, "file: expected a list of objects, as dumpdata writes"))
            return
        objects = ijson.items(itertools.chain([first], events), "item")
        for number, obj in enumerate(objects, start=1):
            step.advance()
            if record := read_object(number, obj, labels, problems):
                spools[record.model].add(record)
    except ijson.JSONError as error:
        problems.append((0, f"file: not valid JSON: {json_problem(error)}"))


def json_problem(error: ijson.JSONError) -> str:
    """The parser's message on one line: what is wrong, then the text where
    it is (the parser points at it on a line of its own)."""
    lines = [line.strip() for line in str(error).splitlines()]
    what = lines[0].removeprefix("parse error: ")
    if len(lines) > 1 and lines[1]:
        return f"{what}, at: {lines[1]}"
    return what


def read_object(number: int, obj, labels, problems) -> Record | None:
    if not (
        isinstance(obj, dict)
        and isinstance(obj.get("model"), str)
        and isinstance(obj.get("fields"), dict)
    ):
        problems.append(
            (number, f'object {number}: expected {{"model": …, "fields": {{…}}}}')
        )
        return None
    model = labels.get(obj["model"].lower())
    if model is None:
        problem = (
            f"object {number}: {json.dumps(obj['model'])} is not a glossary "
            f"model; expected one of {', '.join(labels)}"
        )
        problems.append((number, problem))
        return None
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
    return record


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
            raise ValidationError(
                f'expected a natural key like ["…"], not {shown(value)}'
            )
        return tuple(value)
    textual = models.CharField | models.TextField | models.DateField
    if isinstance(f, textual) and not isinstance(value, str):
        raise ValidationError(f"expected a string, not {shown(value)}")
    if isinstance(f, models.IntegerField) and type(value) is not int:  # not bool
        raise ValidationError(f"expected a whole number, not {shown(value)}")
    value = f.to_python(value)
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        try:
            value = in_utc(value)
        except ValueError as error:
            raise ValidationError(str(error)) from error
    return value


def shown(value) -> str:
    """A value in a problem, shortened: a file may nest a value as deep or
    make it as long as it likes."""
    return reprlib.repr(value)
