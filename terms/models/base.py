from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import models, transaction

from .fields import derived_fields, derived_too_long


def content_values(instance: models.Model) -> dict:
    """What a row says: its editable fields (not the timestamps or search
    vectors the database and Django keep), by column."""
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.editable and not f.primary_key
    }


def stored_values(instance: models.Model) -> dict | None:
    """The row's content as stored, or None when it is not stored yet."""
    if instance.pk is None:
        return None
    rows = type(instance)._base_manager.filter(pk=instance.pk)
    return rows.values(*content_values(instance)).first()


def is_unchanged(instance: models.Model) -> bool:
    """Whether saving the instance would write what is stored already."""
    return stored_values(instance) == content_values(instance)


@contextmanager
def written():
    """A write and what it implies, as one transaction, after which the
    stored documents of the terms it changed are built."""
    from terms.changes import documents  # it renders with the API's serializers

    with transaction.atomic():
        documents.build_after_commit()
        yield


class ContentModel(models.Model):
    """A glossary record: a save that changes no value writes nothing, so no
    timestamp, history version or HTTP validator changes for it."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        stored = None if kwargs.get("force_insert") else stored_values(self)
        if stored is not None and stored == content_values(self):
            return
        with written():
            super().save(*args, **kwargs)
            self.after_save(stored)

    def touch(self):
        """Save even if no value changed: what the record shows changed
        elsewhere (a term's aliases, citations or links), so it gets a new
        timestamp and history version all the same."""
        stored = stored_values(self)
        with written():
            super().save()
            self.after_save(stored)

    def delete(self, *args, **kwargs):
        with written():
            return super().delete(*args, **kwargs)

    def clean_fields(self, exclude=None):
        exclude = set(exclude or ()) | {f.name for f in derived_fields(type(self))}
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            errors = error.update_error_dict({})
        else:
            errors = {}
        for name, messages in derived_too_long(self, exclude | errors.keys()).items():
            errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def after_save(self, stored: dict | None):
        """What a save implies beyond the row, given the values it replaced
        (None for a new row): for subclasses."""
