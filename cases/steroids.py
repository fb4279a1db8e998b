"""Dexamethasone dose checks, from config/clinical_targets.toml (docs/clinical-reference.md §7.4).

The usual loading dose (16 mg) comes from the reference; the maximum is a local operational setting,
because the reference gives none. Both live in configuration with their source, like the time targets.
"""

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

# On steroids now: started and not stopped (the sweep's steroid reminder, reminders.kinds.care, and the
# partial index case_steroids_idx that serves it: the few cases on steroids, not every case ever treated).
ON_STEROIDS = Q(steroids_started_at__isnull=False, steroids_stopped_at__isnull=True)


@dataclass(frozen=True)
class DoseLimits:
    usual_loading_dose_mg: Decimal
    usual_loading_dose_source: str
    maximum_daily_dose_mg: Decimal
    maximum_daily_dose_source: str


@cache
def _load(path: Path) -> DoseLimits:
    try:
        entry = tomllib.loads(path.read_text())["dexamethasone"]
        limits = DoseLimits(
            usual_loading_dose_mg=Decimal(str(entry["usual_loading_dose_mg"])),
            usual_loading_dose_source=str(entry["usual_loading_dose_source"]),
            maximum_daily_dose_mg=Decimal(str(entry["maximum_daily_dose_mg"])),
            maximum_daily_dose_source=str(entry["maximum_daily_dose_source"]),
        )
    except (OSError, tomllib.TOMLDecodeError, KeyError) as exc:
        raise ImproperlyConfigured(f"CLINICAL_TARGETS_FILE {path} [dexamethasone]: {exc!r}") from exc
    if not 0 < limits.usual_loading_dose_mg <= limits.maximum_daily_dose_mg:
        raise ImproperlyConfigured(f"{path} [dexamethasone]: need 0 < usual loading dose <= maximum daily dose")
    return limits


def dose_limits() -> DoseLimits:
    return _load(Path(settings.CLINICAL_TARGETS_FILE))


def dose_errors(dose: Decimal, reason: str) -> dict[str, str]:
    """Case.clean's dose rule: above the maximum refused, above the usual loading dose needs a reason."""
    limits = dose_limits()
    if dose > limits.maximum_daily_dose_mg:
        return {
            "steroid_dose_mg": f"{dose} mg a day is above the {limits.maximum_daily_dose_mg:g} mg this service "
            "accepts: check the dose (a local setting, config/clinical_targets.toml)."
        }
    if dose > limits.usual_loading_dose_mg and not reason.strip():
        return {
            "steroid_dose_reason": f"A daily dose above the usual {limits.usual_loading_dose_mg:g} mg needs a reason."
        }
    return {}
