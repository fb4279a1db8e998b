"""The referral form's steps (one ModelForm per step of completeness.STEPS) and the submit form.

Each step validates its own fields through the model (Referral.clean), so a bad value is named at
the step where it was typed; the stale-edit check (core.concurrency) stops two tabs on the same
draft from overwriting each other.
"""

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.text import capfirst

from core.concurrency import VersionedFormMixin
from referrals.completeness import STEPS
from referrals.models import Organisation, Referral
from referrals.models.referrals import label_of

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})
STEP_HELP = {
    "referrer": "Who is referring, and how the service reaches you day and night.",
    "patient": "The NHS number identifies the patient; the service checks it against its own records.",
    "cancer": "Previous radiotherapy to the spine changes what can be offered: give the levels and dose.",
    "neurology": "Any neurological symptom or sign makes this an emergency: say when dexamethasone was first given.",
    "imaging": "If the MRI was done, say where and when and whether the images were sent by image exchange.",
}


class StepForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Referral
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                # Yes / no / not known: no "---------" button; leaving it unanswered is the blank.
                field.choices = [(value, label) for value, label in field.choices if value != ""]  # type: ignore[attr-defined]

    def _update_errors(self, errors: ValidationError) -> None:
        """Referral.clean looks across steps: an error on another step's field is shown here, named."""
        if hasattr(errors, "error_dict"):
            moved: list[str] = []
            for name in [n for n in errors.error_dict if n != NON_FIELD_ERRORS and n not in self.fields]:
                messages = ValidationError(errors.error_dict.pop(name)).messages
                moved.extend(f"{capfirst(label_of(name))}: {m}" for m in messages)
            if moved:
                errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(ValidationError(moved).error_list)
        super()._update_errors(errors)  # type: ignore[misc]


def step_form(step: str) -> type[StepForm]:
    fields = next(names for key, _, names in STEPS if key == step)
    widgets: dict[str, Any] = {}
    for name in fields:
        field = Referral._meta.get_field(name)
        internal = field.get_internal_type()
        if internal == "DateTimeField":
            widgets[name] = DATETIME
        elif internal == "DateField":
            widgets[name] = DATE
        elif internal == "TextField":
            widgets[name] = TEXT
        elif internal == "CharField" and len(getattr(field, "choices", None) or []) in (2, 3):
            widgets[name] = forms.RadioSelect  # yes / no / not known: one click each
    meta = type("Meta", (), {"model": Referral, "fields": list(fields), "widgets": widgets})
    return type(f"{step.title()}StepForm", (StepForm,), {"Meta": meta})


class SubmitForm(forms.Form):
    accept_gaps = forms.BooleanField(
        required=False, label="Submit with these gaps: I will send what is missing as soon as I have it"
    )


class PhoneReferralForm(forms.Form):
    """A referral taken by phone: the coordinator names the referring organisation first."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(active=True, is_service=False), label="Referring organisation"
    )
