"""`manage.py check`: the PAS procedure codes map to treatments the app knows; the discharge codes that
mean a death are codes."""

import re
from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from mdt.models import Treatment

DISPOSITION_CODE = re.compile(r"[A-Za-z0-9._-]{1,20}", re.ASCII)


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


@register()
def death_dispositions_are_codes(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """A PV1-36 code is a short token: a list typed with spaces or semicolons would match nothing, and a
    PAS's deaths would then be read as discharges (HAZ-061)."""
    bad = [code for code in settings.HL7_DEATH_DISPOSITIONS if not DISPOSITION_CODE.fullmatch(code)]
    if not bad:
        return []
    return [
        Error(
            f"HL7_DEATH_DISPOSITIONS holds {', '.join(map(repr, bad))}, which cannot be a discharge disposition code.",
            hint=(
                "List PV1-36 codes separated by commas, each letters, digits, dots, dashes or underscores: "
                "e.g. 20,40,41,42 or 79."
            ),
            id="integrations.E002",
        )
    ]
