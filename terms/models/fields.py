from django.core.exceptions import ValidationError
from django.db import models


class DerivedKeyField(models.CharField):
    """A column computed from another field of the row, for an index or a
    constraint the database cannot compute itself (Unicode folding).

    Django sets it on every save and bulk_create (pre_save); writes that
    skip pre_save, raw fixture loads and the import, call fill_derived().
    """

    def __init__(self, *args, source: str, derive, **kwargs):
        self.source, self.derive = source, derive
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs |= {"source": self.source, "derive": self.derive}
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = self.derive(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def derived_fields(model) -> list[DerivedKeyField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, DerivedKeyField)]


def derived_too_long(instance: models.Model, exclude=()) -> dict[str, list]:
    """The fields whose derived key would not fit its column (a character
    that folds or spells out as many: "ﷺ" as 18), by source field: the
    model's clean_fields() says so, as a column too short is not checked
    by SQLite and is a database error on PostgreSQL."""
    errors = {}
    for f in derived_fields(type(instance)):
        value = getattr(instance, f.source)
        if f.source in exclude or not isinstance(value, str):
            continue
        if len(f.derive(value)) > f.max_length:
            errors[f.source] = [
                ValidationError(
                    "Too long once its characters are spelt out: shorten it.",
                    code="max_length",
                )
            ]
    return errors


def fill_derived(instance: models.Model):
    for f in derived_fields(type(instance)):
        f.pre_save(instance, add=True)


class OneLineEnd:
    """Text stored with "\\n" line ends, whatever sent it.

    Browsers post a textarea's lines with "\\r\\n", as HTML says they must:
    without this, saving a term unchanged in the admin rewrote its text, and
    so made a version, a change and a webhook of nothing. Every path cleans
    a model's fields (full_clean), which calls to_python.
    """

    def to_python(self, value):
        value = super().to_python(value)
        if isinstance(value, str):
            return value.replace("\r\n", "\n").replace("\r", "\n")
        return value


class ProseField(OneLineEnd, models.TextField):
    pass


class ShortProseField(OneLineEnd, models.CharField):
    pass
