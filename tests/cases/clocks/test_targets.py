"""The clock targets as configured (config/clinical_targets.toml), and refusing a bad file.

The NICE pathway clocks of docs/clinical-reference.md §7.1.
"""

import json
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from cases import clocks
from tests.cases.clocks.building import (
    AT_RISK,
    BREACHED,
    HOUR,
    MINUTE,
    RUNNING,
    START,
    mscc_case,
    radiotherapy_case,
    the_clock,
)

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- the targets as configured


KEYS = ("mri_whole_spine_24h", "mri_whole_spine_1w", "rt_start_24h")


@pytest.mark.hazard("HAZ-024")
def test_it_reads_the_three_targets_from_the_configuration():
    targets = clocks.targets()

    assert {key: (targets[key].value, targets[key].unit, targets[key].at_risk_fraction) for key in KEYS} == {
        "mri_whole_spine_24h": (24, "hours", 0.75),
        "mri_whole_spine_1w": (7, "days", 0.75),
        "rt_start_24h": (24, "hours", 0.75),
    }
    assert targets["mri_whole_spine_24h"].description == "24 hours"
    assert targets["mri_whole_spine_1w"].description == "7 days"


# --------------------------------------------------------------------------- targets come from configuration

REAL_TARGETS = Path(settings.BASE_DIR) / "config" / "clinical_targets.toml"


def write_targets(path: Path, changes: dict[str, dict[str, object]] | None = None, drop: tuple = ()) -> Path:
    """A copy of the real targets file with some fields changed (value None removes the field)."""
    raw = tomllib.loads(REAL_TARGETS.read_text())
    for key, fields in (changes or {}).items():
        for name, value in fields.items():
            if value is None:
                raw[key].pop(name)
            else:
                raw[key][name] = value
    for key in drop:
        raw.pop(key)
    lines = []
    for key, fields in raw.items():
        lines.append(f"[{key}]")
        lines.extend(f"{name} = {json.dumps(value)}" for name, value in fields.items())
        lines.append("")
    path.write_text("\n".join(lines))
    return path


def test_it_takes_the_due_time_from_the_configured_value(settings, tmp_path):
    settings.CLINICAL_TARGETS_FILE = write_targets(tmp_path / "targets.toml", {"mri_whole_spine_24h": {"value": 12}})
    case = mscc_case(START)

    clock = the_clock(case, "mri_whole_spine_24h", START + 9 * HOUR)

    assert clock.due_at == START + 12 * HOUR
    assert clock.target.description == "12 hours"
    assert clock.state == AT_RISK  # 75% of 12 hours
    assert the_clock(case, "mri_whole_spine_24h", START + 9 * HOUR - MINUTE).state == RUNNING
    assert the_clock(case, "mri_whole_spine_24h", START + 12 * HOUR + MINUTE).state == BREACHED


def test_it_takes_the_at_risk_point_from_the_configured_fraction(settings, tmp_path):
    settings.CLINICAL_TARGETS_FILE = write_targets(
        tmp_path / "targets.toml", {"rt_start_24h": {"at_risk_fraction": 0.5}}
    )
    case = radiotherapy_case(START)

    assert the_clock(case, "rt_start_24h", START + 12 * HOUR - MINUTE).state == RUNNING
    assert the_clock(case, "rt_start_24h", START + 12 * HOUR).state == AT_RISK


@pytest.mark.hazard("HAZ-024")
def test_it_refuses_a_target_missing_a_field_naming_the_target_and_the_field(settings, tmp_path):
    settings.CLINICAL_TARGETS_FILE = write_targets(tmp_path / "targets.toml", {"mri_whole_spine_1w": {"unit": None}})

    with pytest.raises(ImproperlyConfigured, match=r"\[mri_whole_spine_1w\]: missing unit"):
        clocks.targets()


@pytest.mark.hazard("HAZ-024")
def test_it_refuses_a_target_in_weeks_naming_the_target(settings, tmp_path):
    settings.CLINICAL_TARGETS_FILE = write_targets(
        tmp_path / "targets.toml", {"mri_whole_spine_1w": {"value": 1, "unit": "weeks"}}
    )

    with pytest.raises(ImproperlyConfigured, match=r"\[mri_whole_spine_1w\]: .*unit 'hours' or 'days'"):
        clocks.targets()


def test_it_refuses_a_file_without_a_target_a_case_needs_naming_it(settings, tmp_path):
    settings.CLINICAL_TARGETS_FILE = write_targets(tmp_path / "targets.toml", drop=("rt_start_24h",))
    case = radiotherapy_case(START)

    with pytest.raises(ImproperlyConfigured, match="'rt_start_24h'"):
        the_clock(case, "rt_start_24h", START + HOUR)
