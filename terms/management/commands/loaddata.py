"""Django's loaddata, for glossary content: rows the fixture does not change
are left alone, and the rows it writes get a version in their history. Like
the other long commands it shows its progress and ends with a summary."""

from collections import defaultdict

from django.core.management.commands import loaddata

from terms.changes import documents
from terms.history import record_versions
from terms.management.base import ShowsProgress
from terms.models import Alias, Citation, SeeAlso, Term
from terms.models.base import is_unchanged
from terms.models.fields import fill_derived


class Command(ShowsProgress, loaddata.Command):
    def handle(self, *fixture_labels, **options):
        super().handle(*fixture_labels, **options)  # builds documents on commit
        if self.fixture_count:
            fixtures = "fixture" if self.fixture_count == 1 else "fixtures"
            unchanged = self.fixture_object_count - self.loaded_object_count
            self.summary(
                f"Installed {self.loaded_object_count:,} of "
                f"{self.fixture_object_count:,} objects from {self.fixture_count} "
                f"{fixtures} {self.took()} ({unchanged:,} unchanged)."
            )

    def loaddata(self, fixture_labels):
        self.written = defaultdict(list)
        self.touched = set()
        documents.build_after_commit(self.using, self.progress)
        # The summary, with the time, stands for Django's "Installed …" line.
        verbosity = self.verbosity
        self.verbosity = 0 if verbosity == 1 else verbosity
        try:
            with self.progress.step("Loading", unit="objects") as self.loading:
                super().loaddata(fixture_labels)
        finally:
            self.verbosity = verbosity
        record_versions(self.written, reason="loaddata")

    def touch_term_of(self, row):
        """A term whose aliases, citations or links change, and not its own
        fields, gets a new version before them (ContentModel.touch), so a
        restore finds the rows of its versions."""
        if not isinstance(row, Alias | Citation | SeeAlso):
            return
        written = {term.pk for term in self.written[Term]} | self.touched
        if row.term_id not in written:
            self.touched.add(row.term_id)
            Term.objects.get(pk=row.term_id).touch()

    def save_obj(self, obj):
        self.loading.advance()
        # Loading a fixture again writes nothing, so no validator changes.
        if obj.object.pk is not None and is_unchanged(obj.object):
            return False
        fill_derived(obj.object)  # a raw save skips pre_save
        self.touch_term_of(obj.object)
        saved = super().save_obj(obj)
        if saved:
            self.written[type(obj.object)].append(obj.object)
        return saved
