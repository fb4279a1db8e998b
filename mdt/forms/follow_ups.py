"""Completing or cancelling a follow-up: the posted text, read through a form (its length is the model's).
Whether the text may be blank is the service's rule (mdt.services.follow_ups), not repeated here.

`action_forms` builds the pair each open follow-up shows (the follow-up list, the case page, a reminder):
ids unique to the follow-up, the label naming what is being completed and the patient's MRN."""

from django import forms
from django.db import models

from core.forms import CompactForm
from mdt.models import FollowUp


def _text_field(model_field: str, label: str) -> forms.CharField:
    field = FollowUp._meta.get_field(model_field)
    assert isinstance(field, models.Field)
    widget = forms.Textarea(attrs={"rows": 2, "required": True})  # blank is refused by the service, with its message
    return forms.CharField(label=label, required=False, max_length=field.max_length, widget=widget)


class FollowUpCompleteForm(CompactForm):
    outcome = _text_field("outcome_note", "Outcome")
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


class FollowUpCancelForm(CompactForm):
    reason = _text_field("cancel_reason", "Reason")
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


def action_forms(key: str, kind: str, mrn: str, back_to: str) -> tuple[FollowUpCompleteForm, FollowUpCancelForm]:
    """The complete and cancel forms of one follow-up (`key`: its ids' prefix), coming back to `back_to`."""
    complete = FollowUpCompleteForm(auto_id=f"{key}-complete-%s", initial={"next": back_to})
    complete.fields["outcome"].label = f"Outcome of the {kind} (MRN {mrn})"
    cancel = FollowUpCancelForm(auto_id=f"{key}-cancel-%s", initial={"next": back_to})
    cancel.fields["reason"].label = f"Why is it no longer needed? (MRN {mrn})"
    return complete, cancel
