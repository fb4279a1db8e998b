"""`manage.py check`: the PAS procedure codes map to treatments the app knows."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from mdt.models import Treatment


@register()
def procedure_treatments_known(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    unknown = sorted(code for code, key in settings.HL7_PROCEDURE_TREATMENTS.items() if key not in Treatment.values)
    if not unknown:
        return []
    return [
        Error(
            f"HL7_PROCEDURE_TREATMENTS maps {', '.join(unknown)} to a treatment the app does not have.",
            hint=f"Map each local procedure code to one of: {', '.join(Treatment.values)}.",
            id="integrations.E001",
        )
    ]
