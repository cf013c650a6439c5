"""Django's loaddata, for glossary content: rows the fixture does not change
are left alone, and the rows it writes get a version in their history."""

from collections import defaultdict

from django.core.management.commands import loaddata

from terms.history import record_versions
from terms.models.base import is_unchanged
from terms.models.fields import fill_derived


class Command(loaddata.Command):
    def loaddata(self, fixture_labels):
        self.written = defaultdict(list)
        super().loaddata(fixture_labels)
        record_versions(self.written, reason="loaddata")

    def save_obj(self, obj):
        # Loading a fixture again writes nothing, so no validator changes.
        if obj.object.pk is not None and is_unchanged(obj.object):
            return False
        fill_derived(obj.object)  # a raw save skips pre_save
        saved = super().save_obj(obj)
        if saved:
            self.written[type(obj.object)].append(obj.object)
        return saved
