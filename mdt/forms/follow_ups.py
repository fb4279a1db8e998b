"""Completing or cancelling a follow-up: the posted text, read through a form (its length is the model's).
Whether the text may be blank is the service's rule (mdt.services.follow_ups), not repeated here."""

from django import forms
from django.db import models

from mdt.models import FollowUp


def _text_field(model_field: str, label: str) -> forms.CharField:
    field = FollowUp._meta.get_field(model_field)
    assert isinstance(field, models.Field)
    return forms.CharField(label=label, required=False, max_length=field.max_length)


class FollowUpCompleteForm(forms.Form):
    outcome = _text_field("outcome_note", "Outcome")
    next = forms.CharField(required=False, max_length=2000)


class FollowUpCancelForm(forms.Form):
    reason = _text_field("cancel_reason", "Reason")
    next = forms.CharField(required=False, max_length=2000)
