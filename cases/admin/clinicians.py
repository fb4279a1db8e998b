"""The responsible-clinician picker of the case forms: active clinicians of the team by name and role.

The choices are the team members cases.responsible allows (a team is tens of people), plus the clinician
the case has now
when they have since left the team (shown as such), so that opening and saving a case never drops its
clinician silently. Choosing anyone else is refused by the case itself (cases.responsible).
"""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from cases.responsible import clinician_label, may_be_responsible


class ResponsibleClinicianField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return clinician_label(obj)


def responsible_clinician_field(current_id: int | None) -> ResponsibleClinicianField:
    team = get_user_model().objects.filter(member__isnull=False).select_related("member")
    allowed = [user.pk for user in team if may_be_responsible(user)]
    users = get_user_model().objects.filter(Q(pk__in=allowed) | Q(pk=current_id)).select_related("member")
    return ResponsibleClinicianField(
        queryset=users.order_by("last_name", "first_name", "username"),
        required=False,
        label="Responsible clinician",
        empty_label="Nobody yet",
        help_text="Active clinicians of the team, by name and role.",
        error_messages={
            "invalid_choice": "Choose an active clinician of the team: admin, auditor, coordinator and referrer "
            "accounts cannot be responsible for a case."
        },
    )


class ResponsibleClinicianFormMixin(forms.ModelForm):
    """For a ModelForm of Case with `responsible_clinician` among its fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "responsible_clinician" in self.fields:
            self.fields["responsible_clinician"] = responsible_clinician_field(self.instance.responsible_clinician_id)
