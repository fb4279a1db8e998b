"""Defaults by primary site (reference §2.3, §3.2, §5.2):
written here from docs/clinical-reference.md and checked against cases.scoring.

The tables are copied from the reference, not from the code, so a changed point, band or label in the code
fails here. No database needed.
"""

# The en dashes in expected text are copied verbatim from the clinical reference.

from typing import Any

import pytest

from cases import scoring

# --------------------------------------------------------------------------- primary site defaults (2.3, 3.2, 5.2)

# primary, Tokuhashi option, Tokuhashi warning?, Tomita growth, radiosensitivity, radiosensitivity warning
PRIMARY_DEFAULTS = [
    ("lung_nsclc", "p0", None, "rapid", "radioresistant", "PARTIAL"),
    ("lung_sclc", "p0", None, "rapid", "radiosensitive", "UNVERIFIED"),
    ("breast", "p5", None, "slow", "radiosensitive", "PARTIAL"),
    ("colon", "p2", "UNVERIFIED", None, "radioresistant", None),
    ("rectum", "p4", None, None, "radioresistant", None),
    ("prostate", "p5", None, "slow", "radiosensitive", "PARTIAL"),
    ("kidney", "p3", None, "moderate", "radioresistant", None),
    ("thyroid", "p5", None, "slow", "radioresistant", None),
    ("myeloma", "p2", "UNVERIFIED", None, "radiosensitive", None),
    ("lymphoma", None, "clinician chooses", None, "radiosensitive", None),
    ("melanoma", None, "clinician chooses", None, "radioresistant", None),
    ("unknown_primary", "p1", None, "rapid", None, "clinician chooses"),
    ("other", None, "clinician chooses", None, None, "clinician chooses"),
]


def assert_warning(warnings: tuple[str, ...], expected: str | None) -> None:
    if expected is None:
        assert warnings == ()
    else:
        assert len(warnings) == 1
        assert expected in warnings[0]


def test_it_has_a_default_row_for_every_primary_site() -> None:
    assert [row[0] for row in PRIMARY_DEFAULTS] == list(scoring.PRIMARY_SITES)


@pytest.mark.parametrize(("primary", "option", "warning"), [row[:3] for row in PRIMARY_DEFAULTS])
def test_it_suggests_the_tokuhashi_primary_option(primary: str, option: str | None, warning: str | None) -> None:
    suggestion = scoring.tokuhashi_primary_option(primary)

    assert suggestion.value == option
    assert_warning(suggestion.warnings, warning)


@pytest.mark.parametrize(("primary", "growth"), [(row[0], row[3]) for row in PRIMARY_DEFAULTS])
def test_it_suggests_a_tomita_growth_rate_only_where_the_sources_classify_it(primary: str, growth: str | None) -> None:
    suggestion = scoring.tomita_growth_default(primary)

    assert suggestion.value == growth
    assert_warning(suggestion.warnings, None if growth else "clinician chooses")


@pytest.mark.parametrize(
    ("primary", "radiosensitivity", "warning"), [(row[0], row[4], row[5]) for row in PRIMARY_DEFAULTS]
)
def test_it_suggests_the_noms_radiosensitivity(primary: str, radiosensitivity: str | None, warning: str | None) -> None:
    suggestion = scoring.radiosensitivity_default(primary)

    assert suggestion.value == radiosensitivity
    assert_warning(suggestion.warnings, warning)


@pytest.mark.parametrize(
    "default", [scoring.tokuhashi_primary_option, scoring.tomita_growth_default, scoring.radiosensitivity_default]
)
@pytest.mark.hazard("HAZ-019")
@pytest.mark.hazard("HAZ-023")
def test_it_leaves_an_unrecognised_primary_to_the_clinician(default: Any) -> None:
    suggestion = default("bowel")

    assert suggestion.value is None
    assert "The primary site is not one the reference knows: the clinician chooses" in suggestion.warnings[0]
    assert "bowel" not in suggestion.warnings[0]  # never an internal key in a clinician's message
