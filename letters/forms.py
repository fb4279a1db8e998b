"""Forms that only convert input; the rules are the services' (letters.services, cases.communication)."""

from typing import Any

from django import forms

from cases.communication import FIELDS as NEEDS_FIELDS
from cases.models import CommunicationNeeds
from letters.models import PatientLetter


class NeedsForm(forms.ModelForm):
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CommunicationNeeds
        fields = list(NEEDS_FIELDS)  # cases.communication: the one list of what the needs record holds
        widgets = {
            "carer_address": forms.Textarea(attrs={"rows": 3}),
            "address": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def _post_clean(self) -> None:
        """The model's rules run in the service (which shows them on these fields), not twice."""


class LetterForm(forms.Form):
    body = forms.CharField(
        label="The letter's text",
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
        help_text="A line starting with # is a heading, ## a smaller heading, - an item of a list. "
        "The safety box (warning signs and the 24-hour number) is always printed and is not part of this text.",
        required=False,
    )
    print_format = forms.ChoiceField(label="Format", choices=PatientLetter.Format.choices)
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReleaseForm(forms.Form):
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
