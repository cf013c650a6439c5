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


def fill_derived(instance: models.Model):
    for f in derived_fields(type(instance)):
        f.pre_save(instance, add=True)
