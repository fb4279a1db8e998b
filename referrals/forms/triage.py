"""Advice, decline, accept and message forms for the service's side."""

from collections.abc import Sequence
from typing import Any

from django import forms

from cases.duplicates import describe
from cases.models import Patient
from core.numbers import whole_number
from referrals.models import Advice, Referral
from referrals.services.accept import NEW_PERSON

NEW = "new"

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AdviceForm(forms.ModelForm):
    # The advice this form amends, as the page was opened (none for the first advice): the service
    # refuses an id that is not the referral's current advice.
    amends = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=1,
        label="The advice being amended",
        error_messages={
            "invalid": "Not an advice of this referral: reload the page and amend the current advice.",
            "min_value": "Not an advice of this referral: reload the page and amend the current advice.",
        },
    )
    amendment_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Why the advice changes (the referrer reads this)",
    )

    class Meta:
        model = Advice
        fields = [
            "outcome",
            "advice",
            "precautions",
            "stability_cleared_by",
            "stability_cleared_at",
            "steroid_advice",
        ]
        widgets = {
            "outcome": forms.RadioSelect,
            "precautions": forms.RadioSelect,
            "advice": forms.Textarea(attrs={"rows": 5}),
            "steroid_advice": forms.Textarea(attrs={"rows": 2}),
            "stability_cleared_at": DATETIME,
        }

    def __init__(self, *args: object, amending: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.amending = amending
        if not amending:
            del self.fields["amendment_reason"]
        else:
            self.fields["amendment_reason"].required = True

    def _post_clean(self) -> None:
        # The service validates the whole row (with the time it is given and who gives it).
        pass


class DeclineForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=Referral._meta.get_field("decline_reason").max_length,
        label="Why the service declines",
        error_messages={"required": "Say why the referral is declined: the referrer reads it."},
    )


class AcceptForm(forms.Form):
    """`duplicates`: the patients registered with the referral's family name and date of birth, and no NHS
    number match (cases.duplicates): the coordinator says which one it is, or that it is a new person."""

    mrn = forms.CharField(
        max_length=20,
        required=False,
        label="Hospital number (MRN) here",
        help_text="Needed when the patient is new to the service.",
    )
    same_person_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="It is the same person: how this was confirmed",
    )
    # Shown only when accepting was refused for want of it: a referral submitted before the form asked
    # the referrer for the reason of a dose above the usual loading dose.
    steroid_dose_reason = forms.CharField(
        max_length=200,
        required=False,
        label="Reason for the dexamethasone dose above the usual loading dose (ask the referrer)",
    )

    def __init__(self, *args: Any, duplicates: Sequence[Patient] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if duplicates:
            choices = [(str(patient.pk), f"The same person as {describe(patient)}") for patient in duplicates]
            self.fields["same_as"] = forms.ChoiceField(
                choices=[*choices, (NEW, NEW_PERSON)],
                widget=forms.RadioSelect,
                required=False,
                label="Possible duplicate: who is this patient?",
                help_text="Registered already with the same family name and date of birth, and no NHS number match.",
            )

    def same_person(self) -> tuple[int | None, bool]:
        """The patient chosen (an id), and whether the coordinator said it is a different person."""
        choice = self.cleaned_data.get("same_as", "")
        return whole_number(choice), choice == NEW


class MessageForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, label="Send further information or a question"
    )
