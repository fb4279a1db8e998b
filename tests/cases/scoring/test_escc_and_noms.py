"""ESCC (Bilsky, reference §4) and the NOMS decision table (reference §5.3):
written here from docs/clinical-reference.md and checked against cases.scoring.

The tables are copied from the reference, not from the code, so a changed point, band or label in the code
fails here. No database needed.
"""

# The en dashes in expected text are copied verbatim from the clinical reference.

from typing import Any

import pytest

from cases import scoring

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
