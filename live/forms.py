"""The live meeting's forms: they only convert what a page posts (ids, choices, dates, text within the
models' lengths); the services hold the rules. The pages answer with a message, not the form, so a view
shows a refusal through `core.forms.named_errors`, which names the field.

The same forms write the pages' fields (crispy, docs/architecture.md "Templates and forms"): a page with a
form per row builds each with its own `auto_id`, so no two rows share an id; a form that only carries the
case on the sender's screen is built with `auto_id=False` (its hidden input repeated in several forms)."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms

from core.forms import CompactForm, IdField
from live.models import Delivery, StandardOfCare, TrialConsideration
from mdt.forms.decisions import OutcomeForm, max_length
from mdt.models import Treatment

YES_NO = [("yes", "Yes"), ("no", "No")]


class ScreenForm(CompactForm):
    """What every action on the shared screen posts: the case the sender's screen showed."""

    from_item = IdField(required=False, label="The case on your screen", widget=forms.HiddenInput)

    @classmethod
    def showing(cls, item_id: int | None) -> "ScreenForm":
        """The hidden field of the forms on the driver's screen: no id, as several forms carry it."""
        return cls(auto_id=False, initial={"from_item": item_id})


class StepForm(ScreenForm):
    """Back, next (each the value of its button) or jump to the case chosen in the list."""

    action = forms.ChoiceField(
        label="Step", choices=[("next", "Next"), ("back", "Back"), ("jump", "Jump to a case")], required=False
    )
    to_item = IdField(required=False, label="Jump to case", widget=forms.Select(attrs={"id": "live-jump"}))

    @classmethod
    def jump(cls, order: Iterable[Any], item_id: int | None) -> "StepForm":
        """The jump list: every listed case in the agenda's order (patient loaded), the one on the screen chosen."""
        form = cls(auto_id="live-jump-%s", initial={"from_item": item_id, "to_item": item_id})
        listed = [
            (i.pk, f"{n}. {i.case.patient.display_name} · MRN {i.case.patient.mrn}") for n, i in enumerate(order, 1)
        ]
        form.fields["to_item"].widget.choices = listed
        return form


class RecordingForm(ScreenForm):
    action = forms.ChoiceField(
        label="Action", choices=[("open", "Record the outcome"), ("cancel", "Close")], required=False
    )


class ItemOutcomeForm(ScreenForm, OutcomeForm):
    """Not discussed or withdrawn, from the shared screen: the outcome page's buttons and reason."""


class ConfirmForm(forms.Form):
    member = IdField(label="Whose attendance", error_messages={"required": "Choose whose attendance to confirm."})
    present = forms.ChoiceField(label="Present", choices=[("1", "Present"), ("0", "Absent")], required=False)


class DeliveryForm(CompactForm):
    treatment = forms.ChoiceField(label="Treatment", choices=Treatment.choices, widget=forms.HiddenInput)
    delivered = forms.ChoiceField(
        label="Delivered?", choices=[("yes", "Yes, on"), ("no", "No")], required=False, widget=forms.RadioSelect
    )
    delivered_on = forms.DateField(
        label="Delivered on", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.ChoiceField(label="If not, why", choices=[("", "—"), *Delivery.Reason.choices], required=False)
    note = forms.CharField(label="Note", max_length=max_length(Delivery, "note"), required=False)

    @classmethod
    def row(cls, treatment: str, recorded: Delivery | None, today: dt.date) -> "DeliveryForm":
        """One treatment's row on the delivery page: what was recorded, else "yes" with no date."""
        initial: dict[str, Any] = {"treatment": treatment, "delivered": "yes"}
        if recorded is not None:
            initial.update(
                delivered="yes" if recorded.delivered else "no",
                delivered_on=recorded.delivered_on,
                reason=recorded.reason,
                note=recorded.note,
            )
        form = cls(auto_id=f"d-{treatment}-%s", initial=initial)
        form.fields["delivered_on"].widget.attrs["max"] = today.isoformat()
        return form

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("delivered") != "yes":  # not delivered: the date box is ignored, whatever it holds
            self.errors.pop("delivered_on", None)
            data["delivered_on"] = None
        elif not data.get("delivered_on") and "delivered_on" not in self.errors:
            self.add_error("delivered_on", "Give the date it was delivered (day, month, year).")
        return data


class TrialAnswerForm(CompactForm):
    """Trial considered: yes or no, which (among the open trials matched to the case), why not."""

    trial_considered = forms.ChoiceField(
        label="Trial considered?", choices=YES_NO, required=False, widget=forms.RadioSelect
    )
    trial = IdField(label="Which trial", required=False, widget=forms.Select)
    trial_why_not = forms.CharField(
        label="Why not (no trial considered, or not entered)",
        max_length=max_length(TrialConsideration, "why_not"),
        required=False,
    )

    def __init__(self, *args: Any, matches: Iterable[Any] = (), **kwargs: Any) -> None:
        """`matches`: live.trials.matches for the case, offered by name with the verdict."""
        super().__init__(*args, **kwargs)
        offered = [(m.trial.pk, f"{m.trial.name} ({m.verdict.lower()})") for m in matches]
        self.fields["trial"].widget.choices = [("", "—"), *offered]

    @staticmethod
    def initial_from(row: TrialConsideration | None) -> dict[str, Any]:
        """A recorded answer as the form's initial values."""
        if row is None:
            return {}
        return {
            "trial_considered": "yes" if row.considered else "no",
            "trial": row.trial_id,
            "trial_why_not": row.why_not,
        }


class StandardOfCareForm(CompactForm):
    action = forms.ChoiceField(label="Action", choices=[("record", "List"), ("withdraw", "Withdraw")], required=False)
    protocol = forms.CharField(
        label="Protocol followed", max_length=max_length(StandardOfCare, "protocol"), required=False
    )
    note = forms.CharField(label="How the case meets it", max_length=max_length(StandardOfCare, "note"), required=False)

    @classmethod
    def row(cls, item_id: int, recorded: StandardOfCare | None) -> "StandardOfCareForm":
        """One listed case's row on the standard-of-care page, with what was recorded."""
        initial = {"protocol": recorded.protocol, "note": recorded.note} if recorded is not None else {}
        return cls(auto_id=f"soc-{item_id}-%s", initial=initial)
