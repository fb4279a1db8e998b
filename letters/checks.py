"""`manage.py check --deploy` warns while the 24-hour number for patients' letters is not set."""

from typing import Any

from django.conf import settings
from django.core.checks import Warning as CheckWarning
from django.core.checks import register


@register(deploy=True)
def safety_net_phone_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    if settings.PATIENT_SAFETY_NET_PHONE.strip():
        return []
    return [
        CheckWarning(
            "PATIENT_SAFETY_NET_PHONE is not set: patients' letters print no 24-hour number and cannot be released.",
            hint="Set it to the number patients call, day and night, with warning signs of cord compression.",
            id="letters.W001",
        )
    ]
