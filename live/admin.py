"""The local list of open trials in the coordinators' workspace (the live screen matches them to each case)."""

from django import forms
from django.contrib import admin

from cases.choices import PrimarySite
from core.admin import SafeHistoryAdmin
from core.concurrency import VersionedFormMixin
from live.models import Trial


class TrialForm(VersionedFormMixin):
    primary_sites = forms.MultipleChoiceField(
        choices=PrimarySite.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The primary sites the trial takes; none ticked: any.",
    )

    class Meta:
        model = Trial
        fields = [
            "name", "reference", "open", "primary_sites", "escc_min", "escc_max", "sins_min", "sins_max", "ecog_max",
            "previous_radiotherapy", "contact",
        ]  # fmt: skip


@admin.register(Trial)
class TrialAdmin(SafeHistoryAdmin):
    form = TrialForm
    list_display = ["name", "reference", "open", "ecog_max", "previous_radiotherapy"]
    list_filter = ["open"]
    search_fields = ["name", "reference"]
