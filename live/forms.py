"""The live meeting's forms: they only convert what a page posts (ids, choices, dates, text within the
models' lengths); the services hold the rules. The pages answer with a message, not the form, so a view
shows a refusal through `core.forms.named_errors`, which names the field."""

from django import forms

from core.forms import IdField
from live.models import Delivery, StandardOfCare, TrialConsideration
from mdt.forms.decisions import OutcomeForm, max_length
from mdt.models import Treatment

YES_NO = [("yes", "Yes"), ("no", "No")]


class ScreenForm(forms.Form):
    """What every action on the shared screen posts: the case the sender's screen showed."""

    from_item = IdField(required=False, label="The case on your screen")


class StepForm(ScreenForm):
    action = forms.ChoiceField(
        label="Step", choices=[("next", "Next"), ("back", "Back"), ("jump", "Jump to a case")], required=False
    )
    to_item = IdField(required=False, label="Case to jump to")


class RecordingForm(ScreenForm):
    action = forms.ChoiceField(
        label="Action", choices=[("open", "Record the outcome"), ("cancel", "Close")], required=False
    )


class ItemOutcomeForm(ScreenForm, OutcomeForm):
    """Not discussed or withdrawn, from the shared screen: the outcome page's buttons and reason."""


class ConfirmForm(forms.Form):
    member = IdField(label="Whose attendance", error_messages={"required": "Choose whose attendance to confirm."})
    present = forms.ChoiceField(label="Present", choices=[("1", "Present"), ("0", "Absent")], required=False)


class DeliveryForm(forms.Form):
    treatment = forms.ChoiceField(label="Treatment", choices=Treatment.choices)
    delivered = forms.ChoiceField(label="Delivered?", choices=YES_NO, required=False)
    delivered_on = forms.DateField(label="Delivered on", required=False)
    reason = forms.ChoiceField(label="If not, why", choices=[("", "—"), *Delivery.Reason.choices], required=False)
    note = forms.CharField(label="Note", max_length=max_length(Delivery, "note"), required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("delivered") != "yes":  # not delivered: the date box is ignored, whatever it holds
            self.errors.pop("delivered_on", None)
            data["delivered_on"] = None
        elif not data.get("delivered_on") and "delivered_on" not in self.errors:
            self.add_error("delivered_on", "Give the date it was delivered (day, month, year).")
        return data


class TrialAnswerForm(forms.Form):
    """Trial considered: yes or no, which, why not (the field names of templates/live/_trial_fields.html)."""

    trial_considered = forms.ChoiceField(label="Trial considered?", choices=YES_NO, required=False)
    trial = IdField(label="Which trial", required=False)
    trial_why_not = forms.CharField(
        label="Why not", max_length=max_length(TrialConsideration, "why_not"), required=False
    )


class StandardOfCareForm(forms.Form):
    action = forms.ChoiceField(label="Action", choices=[("record", "List"), ("withdraw", "Withdraw")], required=False)
    protocol = forms.CharField(
        label="Protocol followed", max_length=max_length(StandardOfCare, "protocol"), required=False
    )
    note = forms.CharField(label="How the case meets it", max_length=max_length(StandardOfCare, "note"), required=False)
