from django import forms

from reminders.services import SNOOZE_CHOICES


class SnoozeForm(forms.Form):
    period = forms.ChoiceField(choices=[(key, key) for key in SNOOZE_CHOICES])
