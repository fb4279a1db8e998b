"""Closing a case in the workspace (HAZ-029): the reason, and the open work shown before it goes.

Only the case's own form closes a case (its row on the patient's page cannot: there is no room there
for the reason and the list). Closing asks for the reason (Case.clean; a database constraint) and, when
work is still open on the case (cases.closing.open_work), lists it and closes only once the coordinator
ticks that it has been seen.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from cases.choices import CaseStatus, ClosedReason
from cases.closing import open_work

CONFIRM = "close_with_open_work"


class ClosingFormMixin(forms.ModelForm):
    """For the case's own form, with `status`, `closed_reason` and `closed_note` among its fields."""

    close_with_open_work = forms.BooleanField(
        required=False,
        label="Close even with work still open",
        help_text="Asked only when closing a case with work still open on it: listed here when you save.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.closed_reason != ClosedReason.NOT_RECORDED:
            offer_no(self.fields.get("closed_reason"), ClosedReason.NOT_RECORDED)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        closing = cleaned.get("status") == CaseStatus.CLOSED and self.instance.status != CaseStatus.CLOSED
        if closing and self.instance.pk and not cleaned.get(CONFIRM) and (work := open_work(self.instance)):
            intro = "Closing takes the case off every list while this is still open on it:"
            ask = "Finish or hand over each, then save again; or tick this box to close the case anyway."
            self.add_error(CONFIRM, ValidationError([intro, *work, ask]))
        return cleaned


class NotClosedHereMixin(forms.ModelForm):
    """A case's row on the patient's page: reopened there, but closed only on its own form."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.status != CaseStatus.CLOSED:
            offer_no(self.fields.get("status"), CaseStatus.CLOSED)


def offer_no(field: forms.Field | None, value: str) -> None:
    """The form's field without the choice `value` (a field the form lacks: nothing to do)."""
    if isinstance(field, forms.ChoiceField):
        field.choices = [choice for choice in field.choices if choice[0] != value]  # type: ignore[union-attr, index, misc]
