"""The rules every score shares (incomplete, unknown options, versions, every band):
written here from docs/clinical-reference.md and checked against cases.scoring.

The tables are copied from the reference, not from the code, so a changed point, band or label in the code
fails here. No database needed.
"""

# The en dashes in expected text are copied verbatim from the clinical reference.

from collections.abc import Callable
from typing import Any

import pytest

from cases import scoring
from cases.scoring import ScoreResult
from tests.cases.scoring.test_sins import SINS_LOWEST, SINS_OPTIONS, sins_with
from tests.cases.scoring.test_tokuhashi import TOKUHASHI_LOWEST, TOKUHASHI_OPTIONS
from tests.cases.scoring.test_tomita import TOMITA_OPTIONS

# --------------------------------------------------------------------------- rules shared by every score

ALL_SCORES: list[tuple[Callable[..., ScoreResult], dict[str, str | None]]] = [
    (scoring.sins, SINS_LOWEST),
    (scoring.tokuhashi_revised, TOKUHASHI_LOWEST),
    (scoring.tomita, {"primary_growth": "slow", "visceral_mets": "none", "bone_mets": "solitary"}),
]
EVERY_COMPONENT = [
    pytest.param(score, baseline, component, id=f"{score.__name__}-{component}")
    for score, baseline in ALL_SCORES
    for component in baseline
]


@pytest.mark.hazard("HAZ-022")
@pytest.mark.parametrize(("score", "baseline", "component"), EVERY_COMPONENT)
@pytest.mark.parametrize("blank", [None, ""])
def test_it_marks_a_score_incomplete_instead_of_counting_a_blank_as_zero(
    score: Any, baseline: dict[str, str], component: str, blank: str | None
) -> None:
    result = score(**{**baseline, component: blank})

    assert not result.complete
    assert result.missing == (component,)
    assert result.total is None
    assert (result.band, result.band_label, result.action) == (None, None, None)
    assert component not in result.points
    assert result.components[component] is None


@pytest.mark.parametrize(("score", "baseline", "component"), EVERY_COMPONENT)
def test_it_rejects_an_option_that_is_not_in_the_table_naming_the_component(
    score: Any, baseline: dict[str, str], component: str
) -> None:
    with pytest.raises(ValueError, match=f"^{component}: 'severe' is not one of "):
        score(**{**baseline, component: "severe"})


def test_it_lists_the_allowed_options_when_rejecting_one() -> None:
    with pytest.raises(ValueError) as error:
        sins_with(pain="severe")

    assert str(error.value) == "pain: 'severe' is not one of mechanical, occasional_non_mechanical, pain_free"


def test_it_lists_every_missing_component_in_table_order() -> None:
    result = scoring.tomita(primary_growth=None, visceral_mets="none", bone_mets=None)

    assert result.missing == ("primary_growth", "bone_mets")
    assert result.points == {"visceral_mets": 0}


def test_it_rescores_stored_components_by_version_key() -> None:
    stored = {"primary_growth": "rapid", "visceral_mets": "untreatable", "bone_mets": "multiple"}

    assert scoring.calculate("tomita_2001", stored) == scoring.tomita(**stored)
    assert scoring.calculate("tomita_2001", {"primary_growth": "rapid"}).missing == ("visceral_mets", "bone_mets")


@pytest.mark.parametrize(
    ("version", "components", "message"),
    [
        ("tokuhashi", {}, "'tokuhashi' is not one of sins_2010, tokuhashi_revised_2005, tomita_2001"),
        ("sins_2010", {"colour": "red"}, "sins_2010: unknown component"),
    ],
)
def test_it_rejects_an_unknown_version_or_component_when_rescoring(
    version: str, components: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        scoring.calculate(version, components)


REFERENCE_OPTIONS = {
    "sins_2010": SINS_OPTIONS,
    "tokuhashi_revised_2005": TOKUHASHI_OPTIONS,
    "tomita_2001": TOMITA_OPTIONS,
}
REFERENCE_BANDS = {
    # version: (low, high, band key) from reference §1.2, §2.2 and §3.2
    "sins_2010": [(0, 6, "stable"), (7, 12, "potentially_unstable"), (13, 18, "unstable")],
    "tokuhashi_revised_2005": [(0, 8, "lt_6_months"), (9, 11, "ge_6_months"), (12, 15, "ge_12_months")],
    "tomita_2001": [
        (2, 3, "long_term_local_control"),
        (4, 5, "middle_term_local_control"),
        (6, 7, "short_term_palliation"),
        (8, 10, "terminal_care"),
    ],
}


@pytest.mark.hazard("HAZ-004")
@pytest.mark.parametrize("version", REFERENCE_OPTIONS)
def test_it_offers_exactly_the_reference_options_with_their_points(version: str) -> None:
    definition = scoring.SCORES[version]

    offered = [
        (key, option, points)
        for key, options in definition.components.items()
        for option, (points, _) in options.items()
    ]

    assert sorted(offered) == sorted(REFERENCE_OPTIONS[version])


@pytest.mark.hazard("HAZ-004")
@pytest.mark.parametrize("version", REFERENCE_BANDS)
def test_it_bands_every_total_as_the_reference_does(version: str) -> None:
    definition = scoring.SCORES[version]

    assert [(band.low, band.high, band.key) for band in definition.bands] == REFERENCE_BANDS[version]


def test_it_covers_every_total_of_every_score_with_exactly_one_band() -> None:
    for definition in scoring.SCORES.values():
        for total in range(definition.min_total, definition.max_total + 1):
            assert sum(band.low <= total <= band.high for band in definition.bands) == 1, (definition.version, total)
