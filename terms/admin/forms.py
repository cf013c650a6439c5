"""Forms that keep two editors from overwriting each other's work."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats


def current_version(instance) -> str:
    """The stored row's updated_at, the version an editor starts from."""
    model = type(instance)._default_manager
    updated = model.filter(pk=instance.pk).values_list("updated_at", flat=True)
    return updated.first().isoformat() if instance.pk else ""


class EditConflictForm(forms.ModelForm):
    """Refuses to save over a change made since the editor opened the form.

    The form carries the version of the row it was opened on; saving checks
    it against the stored row, locked for the rest of the transaction (the
    admin saves in one), so the second of two concurrent saves is refused.
    """

    opened_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = current_version(self.instance)

    def clean(self):
        cleaned_data = super().clean()
        if not self.instance.pk:
            return cleaned_data
        model = type(self.instance)._default_manager
        stored = model.select_for_update().filter(pk=self.instance.pk)
        stored_version = stored.values_list("updated_at", flat=True).first()
        if stored_version and stored_version.isoformat() != cleaned_data.get(
            "opened_version"
        ):
            raise ValidationError(
                self.conflict_message(stored_version), code="conflict"
            )
        return cleaned_data

    def conflict_message(self, stored_version) -> str:
        latest = self.instance.history.first()
        who = latest.history_user if latest and latest.history_user else "someone"
        when = formats.date_format(stored_version, "DATETIME_FORMAT")
        return (
            f"{who} changed this {self.instance._meta.verbose_name} at {when}, "
            "after you opened it. Your changes were not saved, so that theirs "
            "are not lost: open it again to see their version, then make your "
            "changes again."
        )
