"""Every row of docs/clinical-reference.md §1-§6, written here from the reference, checked against cases.scoring.

The tables in this file are copied from the reference, not from the code, so a changed point, band or label
in the code fails here. No database needed.
"""

# The en dashes in expected text are copied verbatim from the clinical reference.
# ruff: noqa: RUF001

from collections.abc import Callable
from typing import Any

import pytest

from cases import scoring
from cases.scoring import ScoreResult

# --------------------------------------------------------------------------- SINS (reference §1)

SINS_LOWEST: dict[str, str | None] = {
    "location": "rigid",
    "pain": "pain_free",
    "bone_lesion": "blastic",
    "alignment": "normal",
    "vertebral_body_collapse": "none",
    "posterolateral_involvement": "none",
}

SINS_OPTIONS = [
    ("location", "junctional", 3),
    ("location", "mobile", 2),
    ("location", "semirigid", 1),
    ("location", "rigid", 0),
    ("pain", "mechanical", 3),
    ("pain", "occasional_non_mechanical", 1),
    ("pain", "pain_free", 0),
    ("bone_lesion", "lytic", 2),
    ("bone_lesion", "mixed", 1),
    ("bone_lesion", "blastic", 0),
    ("alignment", "subluxation_translation", 4),
    ("alignment", "de_novo_deformity", 2),
    ("alignment", "normal", 0),
    ("vertebral_body_collapse", "gt50", 3),
    ("vertebral_body_collapse", "lt50", 2),
    ("vertebral_body_collapse", "no_collapse_gt50_involved", 1),
    ("vertebral_body_collapse", "none", 0),
    ("posterolateral_involvement", "bilateral", 3),
    ("posterolateral_involvement", "unilateral", 1),
    ("posterolateral_involvement", "none", 0),
]

SURGICAL_OPINION = "Surgical or spinal-oncology opinion advised"

SINS_BANDS = [
    # total, changes from SINS_LOWEST, band, label, action
    (0, {}, "stable", "Stable", None),
    (6, {"location": "junctional", "pain": "mechanical"}, "stable", "Stable", None),
    (
        7,
        {"location": "junctional", "pain": "mechanical", "bone_lesion": "mixed"},
        "potentially_unstable",
        "Potentially unstable (indeterminate)",
        SURGICAL_OPINION,
    ),
    (
        12,
        {
            "location": "junctional",
            "pain": "mechanical",
            "bone_lesion": "lytic",
            "alignment": "de_novo_deformity",
            "vertebral_body_collapse": "lt50",
        },
        "potentially_unstable",
        "Potentially unstable (indeterminate)",
        SURGICAL_OPINION,
    ),
    (
        13,
        {
            "location": "junctional",
            "pain": "mechanical",
            "bone_lesion": "lytic",
            "alignment": "de_novo_deformity",
            "vertebral_body_collapse": "lt50",
            "posterolateral_involvement": "unilateral",
        },
        "unstable",
        "Unstable",
        SURGICAL_OPINION,
    ),
    (
        18,
        {
            "location": "junctional",
            "pain": "mechanical",
            "bone_lesion": "lytic",
            "alignment": "subluxation_translation",
            "vertebral_body_collapse": "gt50",
            "posterolateral_involvement": "bilateral",
        },
        "unstable",
        "Unstable",
        SURGICAL_OPINION,
    ),
]


def sins_with(**changes: str | None) -> ScoreResult:
    return scoring.sins(**{**SINS_LOWEST, **changes})


@pytest.mark.parametrize(("component", "option", "points"), SINS_OPTIONS)
def test_it_gives_each_sins_option_its_points(component: str, option: str, points: int) -> None:
    result = sins_with(**{component: option})

    assert result.points[component] == points
    assert result.total == points
    assert result.components[component] == option


@pytest.mark.parametrize(("total", "changes", "band", "label", "action"), SINS_BANDS)
def test_it_bands_sins_totals_on_both_sides_of_each_boundary(
    total: int, changes: dict[str, str], band: str, label: str, action: str | None
) -> None:
    result = sins_with(**changes)

    assert (result.total, result.band, result.band_label, result.action) == (total, band, label, action)
    assert result.complete
    assert result.missing == ()
    assert (result.score, result.version) == ("sins", "sins_2010")


def test_it_spans_sins_from_0_to_18() -> None:
    assert (scoring.SINS.min_total, scoring.SINS.max_total) == (0, 18)


# --------------------------------------------------------------------------- revised Tokuhashi (reference §2)

TOKUHASHI_LOWEST: dict[str, str | None] = {
    "general_condition": "poor",
    "extraspinal_bone_mets": "ge3",
    "vertebral_body_mets": "ge3",
    "major_organ_mets": "unremovable",
    "primary_site": "p0",
    "palsy": "complete",
}

TOKUHASHI_OPTIONS = [
    ("general_condition", "poor", 0),
    ("general_condition", "moderate", 1),
    ("general_condition", "good", 2),
    ("extraspinal_bone_mets", "ge3", 0),
    ("extraspinal_bone_mets", "one_or_two", 1),
    ("extraspinal_bone_mets", "zero", 2),
    ("vertebral_body_mets", "ge3", 0),
    ("vertebral_body_mets", "two", 1),
    ("vertebral_body_mets", "one", 2),
    ("major_organ_mets", "unremovable", 0),
    ("major_organ_mets", "removable", 1),
    ("major_organ_mets", "none", 2),
    ("primary_site", "p0", 0),
    ("primary_site", "p1", 1),
    ("primary_site", "p2", 2),
    ("primary_site", "p3", 3),
    ("primary_site", "p4", 4),
    ("primary_site", "p5", 5),
    ("palsy", "complete", 0),
    ("palsy", "incomplete", 1),
    ("palsy", "none", 2),
]

LT_6 = ("lt_6_months", "Less than 6 months", "Conservative treatment; palliative surgery only in selected cases")
GE_6 = (
    "ge_6_months",
    "6 months or more",
    "Palliative surgery. Excisional surgery is possible if there is a single lesion and no major-organ metastases",
)
GE_12 = ("ge_12_months", "1 year or more", "Excisional surgery")

TOKUHASHI_BANDS = [
    (0, {}, LT_6),
    (8, {"primary_site": "p5", "general_condition": "good", "extraspinal_bone_mets": "one_or_two"}, LT_6),
    (9, {"primary_site": "p5", "general_condition": "good", "extraspinal_bone_mets": "zero"}, GE_6),
    (
        11,
        {
            "primary_site": "p5",
            "general_condition": "good",
            "extraspinal_bone_mets": "zero",
            "vertebral_body_mets": "one",
        },
        GE_6,
    ),
    (
        12,
        {
            "primary_site": "p5",
            "general_condition": "good",
            "extraspinal_bone_mets": "zero",
            "vertebral_body_mets": "one",
            "major_organ_mets": "removable",
        },
        GE_12,
    ),
    (
        15,
        {
            "primary_site": "p5",
            "general_condition": "good",
            "extraspinal_bone_mets": "zero",
            "vertebral_body_mets": "one",
            "major_organ_mets": "none",
            "palsy": "none",
        },
        GE_12,
    ),
]


def tokuhashi_with(**changes: str | None) -> ScoreResult:
    return scoring.tokuhashi_revised(**{**TOKUHASHI_LOWEST, **changes})


@pytest.mark.parametrize(("component", "option", "points"), TOKUHASHI_OPTIONS)
def test_it_gives_each_tokuhashi_option_its_points(component: str, option: str, points: int) -> None:
    result = tokuhashi_with(**{component: option})

    assert result.points[component] == points
    assert result.total == points


@pytest.mark.parametrize(("total", "changes", "band"), TOKUHASHI_BANDS)
def test_it_bands_tokuhashi_totals_on_both_sides_of_each_boundary(
    total: int, changes: dict[str, str], band: tuple[str, str, str]
) -> None:
    result = tokuhashi_with(**changes)

    assert (result.total, result.band, result.band_label, result.action) == (total, *band)
    assert result.version == "tokuhashi_revised_2005"


def test_it_always_shows_the_tokuhashi_vertebral_conflict_and_the_partial_treatment_note() -> None:
    complete = tokuhashi_with()
    incomplete = tokuhashi_with(palsy=None)

    assert complete.warnings == (scoring.TOKUHASHI_VERTEBRAL_CONFLICT, scoring.TOKUHASHI_TREATMENT_PARTIAL)
    assert "CONFLICT" in scoring.TOKUHASHI_VERTEBRAL_CONFLICT
    assert "PARTIAL" in scoring.TOKUHASHI_TREATMENT_PARTIAL
    assert incomplete.warnings == (scoring.TOKUHASHI_VERTEBRAL_CONFLICT,)  # no treatment text, no treatment note


def test_it_spans_tokuhashi_from_0_to_15() -> None:
    assert (scoring.TOKUHASHI_REVISED.min_total, scoring.TOKUHASHI_REVISED.max_total) == (0, 15)


# --------------------------------------------------------------------------- Tomita (reference §3)

TOMITA_OPTIONS = [
    ("primary_growth", "slow", 1),
    ("primary_growth", "moderate", 2),
    ("primary_growth", "rapid", 4),
    ("visceral_mets", "none", 0),
    ("visceral_mets", "treatable", 2),
    ("visceral_mets", "untreatable", 4),
    ("bone_mets", "solitary", 1),
    ("bone_mets", "multiple", 2),
]

LONG_TERM = ("long_term_local_control", "Long-term local control", "Wide or marginal excision")
MIDDLE_TERM = ("middle_term_local_control", "Middle-term local control", "Marginal or intralesional excision")
PALLIATION = ("short_term_palliation", "Short-term palliation", "Palliative surgery")
TERMINAL = ("terminal_care", "Terminal care", "Non-operative supportive care")

TOMITA_BANDS = [
    (2, ("slow", "none", "solitary"), LONG_TERM),
    (3, ("slow", "none", "multiple"), LONG_TERM),
    (4, ("moderate", "none", "multiple"), MIDDLE_TERM),
    (5, ("rapid", "none", "solitary"), MIDDLE_TERM),
    (6, ("rapid", "none", "multiple"), PALLIATION),
    (7, ("slow", "untreatable", "multiple"), PALLIATION),
    (8, ("rapid", "treatable", "multiple"), TERMINAL),
    (10, ("rapid", "untreatable", "multiple"), TERMINAL),
]


@pytest.mark.parametrize(("component", "option", "points"), TOMITA_OPTIONS)
def test_it_gives_each_tomita_option_its_points(component: str, option: str, points: int) -> None:
    values: dict[str, Any] = {"primary_growth": "slow", "visceral_mets": "none", "bone_mets": "solitary"}
    values[component] = option

    result = scoring.tomita(**values)

    assert result.points[component] == points


@pytest.mark.parametrize(("total", "options", "band"), TOMITA_BANDS)
def test_it_bands_tomita_totals_on_both_sides_of_each_boundary(
    total: int, options: tuple[str, str, str], band: tuple[str, str, str]
) -> None:
    growth, visceral, bone = options

    result = scoring.tomita(primary_growth=growth, visceral_mets=visceral, bone_mets=bone)

    assert (result.total, result.band, result.band_label, result.action) == (total, *band)
    assert result.version == "tomita_2001"
    assert result.warnings == (scoring.TOMITA_BANDS_PARTIAL,)
    assert "PARTIAL" in scoring.TOMITA_BANDS_PARTIAL


def test_it_spans_tomita_from_2_to_10() -> None:
    assert (scoring.TOMITA.min_total, scoring.TOMITA.max_total) == (2, 10)


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


# --------------------------------------------------------------------------- spinal levels (reference §1.3)

LEVEL_LOCATIONS = [
    *[(level, "junctional") for level in ("Occiput", "C1", "C2")],
    *[(level, "mobile") for level in ("C3", "C4", "C5", "C6")],
    *[(level, "junctional") for level in ("C7", "T1", "T2")],
    *[(f"T{n}", "semirigid") for n in range(3, 11)],
    *[(level, "junctional") for level in ("T11", "T12", "L1")],
    *[(level, "mobile") for level in ("L2", "L3", "L4")],
    *[(level, "junctional") for level in ("L5", "S1")],
    *[(f"S{n}", "rigid") for n in range(2, 6)],
    ("Coccyx", None),
]


@pytest.mark.parametrize(("level", "location"), LEVEL_LOCATIONS)
def test_it_fills_the_sins_location_for_every_level(level: str, location: str | None) -> None:
    assert scoring.sins_location_for_level(level) == location
    assert scoring.sins_location_for_level(level.lower()) == location


def test_it_orders_every_level_from_occiput_to_coccyx() -> None:
    assert tuple(level for level, _ in LEVEL_LOCATIONS) == scoring.SPINAL_LEVELS
    assert len(scoring.SPINAL_LEVELS) == 1 + 7 + 12 + 5 + 5 + 1


@pytest.mark.parametrize("level", ["T13", "L6", "X1", "C8", "S6", "C0", ""])
def test_it_rejects_a_level_that_does_not_exist_naming_it(level: str) -> None:
    with pytest.raises(ValueError, match=f"^'{level}' is not a spinal level"):
        scoring.sins_location_for_level(level)


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("T4, T5", ["T4", "T5"]),
        ("T4-T6", ["T4", "T5", "T6"]),
        ("t4 - t6", ["T4", "T5", "T6"]),
        ("T4–T6", ["T4", "T5", "T6"]),
        ("T6-T4", ["T4", "T5", "T6"]),
        ("L1 T12,T12;  C7-T2", ["C7", "T1", "T2", "T12", "L1"]),
        ("T5, T4-T6, T5", ["T4", "T5", "T6"]),
        ("L5-S1", ["L5", "S1"]),
        ("occiput-c2, S5-coccyx", ["Occiput", "C1", "C2", "S5", "Coccyx"]),
        ("", []),
        (" , ", []),
    ],
)
def test_it_parses_lists_and_ranges_of_levels_in_spinal_order(text: str, levels: list[str]) -> None:
    assert scoring.parse_levels(text) == levels


@pytest.mark.parametrize(
    ("text", "bad"),
    [("T4, X1", "'X1'"), ("T12-T13", "'T13'"), ("L6", "'L6'"), ("T4-", "'T4-'"), ("T4-T5-T6", "'T4-T5-T6'")],
)
def test_it_rejects_a_bad_token_naming_it(text: str, bad: str) -> None:
    with pytest.raises(ValueError, match=bad):
        scoring.parse_levels(text)


def test_it_round_trips_parsed_levels() -> None:
    levels = scoring.parse_levels("Occiput-Coccyx")

    assert levels == list(scoring.SPINAL_LEVELS)
    assert scoring.parse_levels(", ".join(levels)) == levels


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


# --------------------------------------------------------------------------- ESCC / Bilsky (reference §4)

ESCC_ROWS = [
    (0, "0", "Disease confined to bone", "low"),
    (1, "1a", "Epidural tumour without deformation of the thecal sac", "low"),
    (2, "1b", "Thecal sac deformed, spinal cord not touched", "low"),
    (
        3,
        "1c",
        "Thecal sac deformed and tumour touching (abutting) the cord, but the cord is not compressed",
        "low",
    ),
    (4, "2", "Cord compressed, CSF still visible around the cord", "high"),
    (5, "3", "Cord compressed, no CSF visible around the cord", "high"),
]


@pytest.mark.parametrize(("order", "key", "definition", "group"), ESCC_ROWS)
def test_it_orders_and_groups_each_escc_grade(order: int, key: str, definition: str, group: str) -> None:
    grade = scoring.ESCC_GRADES[key]

    assert (grade.order, grade.definition, grade.group) == (order, definition, group)
    assert scoring.escc_is_high_grade(key) is (group == "high")


def test_it_keeps_escc_grades_in_order() -> None:
    assert [grade.order for grade in scoring.ESCC_GRADES.values()] == list(range(6))
    assert list(scoring.ESCC_GRADES) == [row[1] for row in ESCC_ROWS]


def test_it_notes_that_escc_1c_management_is_disputed() -> None:
    assert scoring.ESCC_GRADES["1c"].note == scoring.ESCC_1C_DISPUTED
    assert [key for key, grade in scoring.ESCC_GRADES.items() if grade.note] == ["1c"]


@pytest.mark.parametrize("key", ["1d", "4", "", "high"])
def test_it_rejects_an_escc_grade_that_does_not_exist(key: str) -> None:
    with pytest.raises(ValueError, match=f"ESCC grade '{key}' is not one of 0, 1a, 1b, 1c, 2, 3"):
        scoring.escc_is_high_grade(key)


# --------------------------------------------------------------------------- NOMS (reference §5.3)

NOMS_ROWS = [
    ("0", "radiosensitive", "low", ("cebrt",)),
    ("1a", "radiosensitive", "low", ("cebrt",)),
    ("1b", "radioresistant", "low", ("sbrt_srs",)),
    ("1c", "radioresistant", "low", ("sbrt_srs",)),
    ("2", "radiosensitive", "high", ("cebrt",)),
    ("3", "radiosensitive", "high", ("cebrt",)),
    ("2", "radioresistant", "high", ("separation_surgery_plus_sbrt",)),
    ("3", "radioresistant", "high", ("separation_surgery_plus_sbrt",)),
]


@pytest.mark.parametrize(("grade", "radiosensitivity", "group", "pathways"), NOMS_ROWS)
def test_it_suggests_the_noms_pathway_of_each_decision_table_row(
    grade: str, radiosensitivity: str, group: str, pathways: tuple[str, ...]
) -> None:
    result = scoring.noms_suggestion(
        escc_grade=grade, radiosensitivity=radiosensitivity, sins_total=6, systemically_fit=True
    )

    assert result.complete
    assert result.escc_group == group
    assert result.pathways == pathways
    assert result.stabilisation == ()
    assert len(result.reasons) == 1
    assert scoring.NOMS_PARTIAL in result.warnings
    assert "MDT" in result.notice and "decision" in result.notice


def test_it_holds_surgery_back_for_high_grade_radiosensitive_disease() -> None:
    result = scoring.noms_suggestion(
        escc_grade="3", radiosensitivity="radiosensitive", sins_total=0, systemically_fit=True
    )

    assert "surgery held back for failure or deterioration" in result.reasons[0]


def test_it_warns_that_escc_1c_is_disputed_in_a_noms_suggestion() -> None:
    disputed = scoring.noms_suggestion(
        escc_grade="1c", radiosensitivity="radiosensitive", sins_total=0, systemically_fit=True
    )
    clear = scoring.noms_suggestion(
        escc_grade="1b", radiosensitivity="radiosensitive", sins_total=0, systemically_fit=True
    )

    assert disputed.warnings == (scoring.NOMS_PARTIAL, scoring.ESCC_1C_DISPUTED)
    assert clear.warnings == (scoring.NOMS_PARTIAL,)


STABILISATION = ("surgery_stabilisation", "mis_percutaneous_fixation", "vertebroplasty", "kyphoplasty")


@pytest.mark.parametrize(("grade", "radiosensitivity", "group", "pathways"), NOMS_ROWS)
@pytest.mark.parametrize(
    ("sins_total", "stabilisation"), [(6, ()), (7, STABILISATION), (13, STABILISATION), (18, STABILISATION)]
)
@pytest.mark.hazard("HAZ-010")
def test_it_adds_stabilisation_at_sins_7_or_more_whatever_the_escc_grade_or_histology(
    grade: str,
    radiosensitivity: str,
    group: str,
    pathways: tuple[str, ...],
    sins_total: int,
    stabilisation: tuple[str, ...],
) -> None:
    result = scoring.noms_suggestion(
        escc_grade=grade, radiosensitivity=radiosensitivity, sins_total=sins_total, systemically_fit=True
    )

    assert result.pathways == pathways
    assert result.stabilisation == stabilisation
    assert result.stabilisation_labels == tuple(scoring.PATHWAY_LABELS[key] for key in stabilisation)


@pytest.mark.parametrize(
    ("grade", "radiosensitivity", "pathways"),
    [
        ("1a", "radiosensitive", ("cebrt", "best_supportive_care")),
        ("1b", "radioresistant", ("sbrt_srs", "best_supportive_care")),
        ("2", "radiosensitive", ("cebrt", "best_supportive_care")),
        ("3", "radioresistant", ("radiation_alone", "best_supportive_care")),
    ],
)
def test_it_falls_back_to_radiation_alone_or_best_supportive_care_when_not_fit_for_surgery(
    grade: str, radiosensitivity: str, pathways: tuple[str, ...]
) -> None:
    result = scoring.noms_suggestion(
        escc_grade=grade, radiosensitivity=radiosensitivity, sins_total=14, systemically_fit=False
    )

    assert result.complete
    assert result.pathways == pathways
    # Instability still calls for stabilisation: percutaneous options and cement augmentation remain.
    assert result.stabilisation == ("mis_percutaneous_fixation", "vertebroplasty", "kyphoplasty")
    assert any("not fit for surgery" in reason for reason in result.reasons)
    assert any("open stabilisation is not offered" in reason for reason in result.reasons)
    assert any("SINS 14" in reason for reason in result.reasons)


@pytest.mark.parametrize("missing", ["escc_grade", "radiosensitivity", "sins_total", "systemically_fit"])
def test_it_suggests_nothing_until_every_noms_input_is_recorded(missing: str) -> None:
    inputs: dict[str, Any] = {
        "escc_grade": "3",
        "radiosensitivity": "radioresistant",
        "sins_total": 12,
        "systemically_fit": True,
    }
    inputs[missing] = None

    result = scoring.noms_suggestion(**inputs)

    assert not result.complete
    assert result.missing == (missing,)
    assert result.pathways == ()
    # SINS 12 is instability whatever else is missing: stabilisation is shown, never hidden (HAZ-010).
    assert result.stabilisation == (() if missing == "sins_total" else STABILISATION)
    assert scoring.NOMS_INPUT_LABELS[missing] in result.reasons[0]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"escc_grade": "4"}, "ESCC grade '4'"),
        ({"radiosensitivity": "sensitive"}, "radiosensitivity: 'sensitive' is not one of"),
        ({"sins_total": 19}, "sins_total must be a whole number from 0 to 18"),
        ({"sins_total": -1}, "sins_total must be a whole number from 0 to 18"),
        ({"systemically_fit": "yes"}, "systemically_fit must be True, False or None"),
    ],
)
def test_it_rejects_a_noms_input_outside_its_scale(changes: dict[str, Any], message: str) -> None:
    inputs: dict[str, Any] = {"escc_grade": "0", "radiosensitivity": "radiosensitive", "sins_total": 0}
    with pytest.raises(ValueError, match=message):
        scoring.noms_suggestion(**{**inputs, "systemically_fit": True, **changes})


def test_it_labels_every_pathway_it_can_suggest() -> None:
    assert set(scoring.PATHWAY_LABELS) == {
        "cebrt",
        "sbrt_srs",
        "separation_surgery_plus_sbrt",
        "surgery_stabilisation",
        "mis_percutaneous_fixation",
        "vertebroplasty",
        "kyphoplasty",
        "best_supportive_care",
        "radiation_alone",
    }


# --------------------------------------------------------------------------- Frankel, ECOG, KPS (reference §6)

FRANKEL_ROWS = [
    ("A", "Complete: no motor or sensory function below the lesion", "complete"),
    ("B", "Sensory only: some sensation preserved, no motor function", "complete"),
    ("C", "Motor useless: some motor function, but of no practical use", "incomplete"),
    ("D", "Motor useful: useful motor function (may walk, with or without aids)", "incomplete"),
    ("E", "Normal motor and sensory function (abnormal reflexes may still be present)", "none"),
]


@pytest.mark.parametrize(("grade", "definition", "palsy"), FRANKEL_ROWS)
def test_it_defines_each_frankel_grade_and_its_tokuhashi_palsy(grade: str, definition: str, palsy: str) -> None:
    assert scoring.FRANKEL_GRADES[grade] == definition
    assert scoring.tokuhashi_palsy_from_frankel(grade) == palsy
    assert scoring.tokuhashi_palsy_from_frankel(grade.lower()) == palsy


def test_it_rejects_a_frankel_grade_that_does_not_exist() -> None:
    with pytest.raises(ValueError, match="Frankel grade 'F' is not one of A, B, C, D, E"):
        scoring.tokuhashi_palsy_from_frankel("F")


ECOG_ROWS = [
    (0, "Fully active; can do everything they could before the disease, without restriction"),
    (1, "Restricted in strenuous physical activity, but walking about and able to do light or sedentary work"),
    (2, "Walking about and able to care for self, but unable to work; up and about more than 50% of waking hours"),
    (3, "Only limited self-care; in bed or chair more than 50% of waking hours"),
    (4, "Completely disabled; no self-care; confined to bed or chair"),
    (5, "Dead"),
]


@pytest.mark.parametrize(("ecog", "definition"), ECOG_ROWS)
def test_it_defines_each_ecog_grade(ecog: int, definition: str) -> None:
    assert scoring.ECOG_GRADES[ecog] == definition


def test_it_has_exactly_the_ecog_grades_0_to_5() -> None:
    assert list(scoring.ECOG_GRADES) == [row[0] for row in ECOG_ROWS]


KPS_ROWS = [
    (100, "Normal, no complaints, no evidence of disease", "good"),
    (90, "Able to carry on normal activity; minor signs or symptoms", "good"),
    (80, "Normal activity with effort; some signs or symptoms", "good"),
    (70, "Cares for self; unable to carry on normal activity or active work", "moderate"),
    (60, "Needs occasional help, but cares for most personal needs", "moderate"),
    (50, "Needs considerable help and frequent medical care", "moderate"),
    (40, "Disabled; needs special care and help", "poor"),
    (30, "Severely disabled; hospital admission indicated, death not imminent", "poor"),
    (20, "Very sick; admission and active supportive treatment needed", "poor"),
    (10, "Moribund; fatal processes progressing rapidly", "poor"),
    (0, "Dead", None),
]


@pytest.mark.parametrize(("kps", "definition", "general_condition"), KPS_ROWS)
def test_it_maps_each_karnofsky_level_to_its_tokuhashi_general_condition(
    kps: int, definition: str, general_condition: str | None
) -> None:
    assert scoring.validate_karnofsky(kps) == kps
    assert scoring.KARNOFSKY_LEVELS[kps].definition == definition
    assert scoring.tokuhashi_general_condition_from_kps(kps) == general_condition


def test_it_accepts_exactly_the_eleven_karnofsky_levels() -> None:
    assert sorted(scoring.KARNOFSKY_LEVELS) == sorted(row[0] for row in KPS_ROWS)


@pytest.mark.parametrize("value", [55, 5, -10, 110, "50", 50.0, True, None])
def test_it_rejects_a_karnofsky_value_that_is_not_a_multiple_of_10_from_0_to_100(value: object) -> None:
    with pytest.raises(ValueError, match=r"^Karnofsky must be a multiple of 10 from 0 to 100$"):
        scoring.validate_karnofsky(value)


def test_it_rejects_kps_55_when_deriving_a_tokuhashi_band() -> None:
    with pytest.raises(ValueError, match="Karnofsky must be a multiple of 10"):
        scoring.tokuhashi_general_condition_from_kps(55)
