"""What mdt does when the clinical record changes under it (connected in MdtConfig.ready)."""

import datetime as dt
from typing import Any

from mdt.services.follow_ups import follow_ups_cancel_for_death


def cancel_follow_ups_for_death(
    sender: Any, *, patient_id: int, date_of_death: dt.date, user: Any, **kwargs: Any
) -> None:
    """On cases.signals.patient_died: the patient's open follow-ups are cancelled, with the reason (HAZ-009)."""
    follow_ups_cancel_for_death(patient_id=patient_id, date_of_death=date_of_death, user=user)
