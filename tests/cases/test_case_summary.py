"""What the MDT sees about one case: the latest scores, ESCC, radiosensitivity, the NOMS suggestion and the clocks."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape

from cases import scoring, selectors
from cases.choices import EsccGradeChoice, Modality, PrimarySite
from cases.models.assessments import CURRENT_VERSION
from cases.summary import case_summary
from mdt.models import Member
from tests.factories import (
    TOKUHASHI_11,
    AssessmentFactory,
    CaseFactory,
    PatientFactory,
    ScanFactory,
    clinician,
    coordinator,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=LONDON).astimezone(dt.UTC)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)

SINS_4 = {  # semirigid 1 + occasional 1 + mixed 1 + normal 0 + none 0 + unilateral 1: stable
    "location": "semirigid",
    "pain": "occasional_non_mechanical",
    "bone_lesion": "mixed",
    "alignment": "normal",
    "vertebral_body_collapse": "none",
    "posterolateral_involvement": "unilateral",
}
SINS_9 = {  # semirigid 1 + mechanical 3 + lytic 2 + normal 0 + lt50 2 + unilateral 1: potentially unstable
    **SINS_4,
    "pain": "mechanical",
    "bone_lesion": "lytic",
    "vertebral_body_collapse": "lt50",
}
SINS_11 = {**SINS_9, "location": "junctional"}  # at a junctional level
SINS_14 = {  # semirigid 1 + mechanical 3 + lytic 2 + de novo deformity 2 + gt50 3 + bilateral 3: unstable
    **SINS_9,
    "alignment": "de_novo_deformity",
    "vertebral_body_collapse": "gt50",
    "posterolateral_involvement": "bilateral",
}
TOKUHASHI_8 = {**TOKUHASHI_11, "general_condition": "poor", "extraspinal_bone_mets": "ge3", "palsy": "complete"}
TOMITA_3 = {"primary_growth": "slow", "visceral_mets": "none", "bone_mets": "multiple"}
TOMITA_8 = {"primary_growth": "rapid", "visceral_mets": "treatable", "bone_mets": "multiple"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def scored(case, kind: str, components: dict[str, str], *, at: dt.datetime, level: str = ""):
    """A stored assessment whose total, band and completeness match its components."""
    version = CURRENT_VERSION[kind]
    result = scoring.calculate(version, components)
    return AssessmentFactory(
        case=case,
        kind=kind,
        version=version,
        level=level,
        components=components,
        total=result.total,
        band=result.band or "",
        complete=result.complete,
        assessed_at=at,
    )


def graded_scan(case, grade: int | None, performed_at: dt.datetime, modality: str = Modality.MRI_WHOLE_SPINE):
    return ScanFactory(
        case=case,
        modality=modality,
        requested_at=performed_at - HOUR,
        performed_at=performed_at,
        escc_grade=grade,
    )


def summary_of(case):
    """The summary as the case page builds it (case loaded with SUMMARY_PREFETCH)."""
    return case_summary(selectors.case_detail(case_id=case.pk))


def breast_case(**fields):
    return CaseFactory(patient=PatientFactory(primary_site=PrimarySite.BREAST), **fields)


def scorer():
    user = clinician("oncologist", Member.Role.ONCOLOGIST)
    user.user_permissions.add(Permission.objects.get(codename="add_assessment"))
    return user


# --------------------------------------------------------------------------- latest scores


def test_it_keeps_the_latest_sins_of_each_level_in_spinal_order():
    case = breast_case()
    scored(case, "sins", SINS_14, at=NOW - 3 * DAY, level="T7")  # older: ignored
    newer_t7 = scored(case, "sins", SINS_4, at=NOW - DAY, level="T7")
    l1 = scored(case, "sins", SINS_11, at=NOW - 2 * DAY, level="L1")
    c5 = scored(case, "sins", {"location": "mobile"}, at=NOW - HOUR, level="C5")  # incomplete

    summary = summary_of(case)

    assert [line.assessment for line in summary.sins] == [c5, newer_t7, l1]
    assert [line.result.total for line in summary.sins] == [None, 4, 11]


def test_it_takes_the_worst_sins_from_the_highest_complete_latest_score():
    case = breast_case()
    scored(case, "sins", SINS_14, at=NOW - 3 * DAY, level="T7")  # superseded at T7, so not the worst
    scored(case, "sins", SINS_4, at=NOW - DAY, level="T7")
    l1 = scored(case, "sins", SINS_11, at=NOW - 2 * DAY, level="L1")
    scored(case, "sins", {**SINS_14, "pain": None}, at=NOW - HOUR, level="T9")  # incomplete: no total

    worst = summary_of(case).worst_sins

    assert worst.assessment == l1
    assert (worst.result.total, worst.result.band) == (11, "potentially_unstable")


def test_it_has_no_worst_sins_when_every_sins_is_incomplete():
    case = breast_case()
    scored(case, "sins", {"location": "semirigid"}, at=NOW - HOUR, level="T7")

    summary = summary_of(case)

    assert len(summary.sins) == 1
    assert summary.worst_sins is None
    assert summary.noms.complete is False
    assert "sins_total" in summary.noms.missing


def test_it_takes_the_latest_tokuhashi_and_tomita():
    case = breast_case()
    scored(case, "tokuhashi", TOKUHASHI_11, at=NOW - 3 * DAY)
    latest_tokuhashi = scored(case, "tokuhashi", TOKUHASHI_8, at=NOW - DAY)
    latest_tomita = scored(case, "tomita", TOMITA_3, at=NOW - 2 * DAY)
    scored(case, "tomita", TOMITA_8, at=NOW - 4 * DAY)

    summary = summary_of(case)

    assert summary.tokuhashi.assessment == latest_tokuhashi
    assert (summary.tokuhashi.result.total, summary.tokuhashi.result.band) == (8, "lt_6_months")
    assert summary.tokuhashi.kind_label == "Revised Tokuhashi"
    assert summary.tomita.assessment == latest_tomita
    assert (summary.tomita.result.total, summary.tomita.result.band) == (3, "long_term_local_control")


def test_it_has_no_scores_for_an_unscored_case():
    summary = summary_of(breast_case())

    assert (summary.sins, summary.tokuhashi, summary.tomita, summary.worst_sins) == ([], None, None, None)
    assert summary.has_scores is False


# --------------------------------------------------------------------------- ESCC and radiosensitivity


def test_it_takes_the_worst_escc_grade_of_the_performed_scans():
    case = breast_case()
    graded_scan(case, EsccGradeChoice.G1B, NOW - 5 * DAY)
    latest_graded = graded_scan(case, EsccGradeChoice.G2, NOW - 3 * DAY, modality=Modality.MRI_TARGETED)
    graded_scan(case, None, NOW - DAY)  # newer, but not graded
    ScanFactory(case=case, requested_at=NOW - HOUR)  # requested, not performed

    summary = summary_of(case)

    assert summary.escc_scan == latest_graded
    assert summary.noms.escc_group == "high"


def test_it_defaults_the_radiosensitivity_from_the_primary():
    summary = summary_of(breast_case())

    assert summary.radiosensitivity.value == scoring.RADIOSENSITIVE
    assert summary.radiosensitivity_overridden is False
    assert summary.radiosensitivity.warnings == (
        "PARTIAL: this histology's class was checked against one source only.",
    )


def test_it_uses_the_clinicians_radiosensitivity_over_the_default():
    summary = summary_of(breast_case(radiosensitivity_override="radioresistant"))

    assert summary.radiosensitivity.value == scoring.RADIORESISTANT
    assert summary.radiosensitivity_overridden is True
    assert summary.radiosensitivity.warnings == ()


def test_it_leaves_the_radiosensitivity_to_the_clinicians_for_an_other_primary():
    summary = summary_of(CaseFactory(patient=PatientFactory(primary_site=PrimarySite.OTHER)))

    assert summary.radiosensitivity.value is None
    assert "radiosensitivity" in summary.noms.missing


# --------------------------------------------------------------------------- the NOMS suggestion


def noms_ready_case(**fields):
    """ESCC 2 (stored as 4), breast (radiosensitive), SINS 9 at T7, fit for surgery: every input known."""
    case = breast_case(**{"fit_for_surgery": True, **fields})
    graded_scan(case, EsccGradeChoice.G2, NOW - 2 * DAY)
    scored(case, "sins", SINS_9, at=NOW - DAY, level="T7")
    return case


def test_it_suggests_nothing_until_escc_sins_and_fitness_are_known():
    summary = summary_of(breast_case())

    assert summary.noms.complete is False
    assert summary.noms.missing == ("escc_grade", "sins_total", "systemically_fit")
    assert summary.noms.reasons == (
        "No suggestion until the ESCC grade (from a graded MRI) is recorded.",
        "No suggestion until a complete SINS is recorded.",
        "No suggestion until the clinicians' judgement of fitness for surgery is recorded.",
    )
    assert (summary.noms.pathways, summary.noms.stabilisation) == ((), ())


@pytest.mark.parametrize("missing", ["escc_grade", "sins_total", "systemically_fit"])
def test_it_names_the_one_noms_input_still_missing(missing):
    case = breast_case(fit_for_surgery=None if missing == "systemically_fit" else True)
    if missing != "escc_grade":
        graded_scan(case, EsccGradeChoice.G2, NOW - 2 * DAY)
    if missing != "sins_total":
        scored(case, "sins", SINS_9, at=NOW - DAY, level="T7")

    noms = summary_of(case).noms

    assert noms.complete is False
    assert noms.missing == (missing,)
    assert noms.reasons[0] == f"No suggestion until {scoring.NOMS_INPUT_LABELS[missing]} is recorded."
    # A SINS of 9 is shown as instability whatever else is missing (HAZ-010).
    assert noms.stabilisation == (() if missing == "sins_total" else scoring.STABILISATION_OPTIONS)


def test_it_suggests_cebrt_with_stabilisation_for_high_grade_escc_radiosensitive_sins_9_and_fit():
    noms = summary_of(noms_ready_case()).noms

    assert noms.complete is True
    assert noms.missing == ()
    assert noms.escc_group == "high"
    assert noms.pathways == ("cebrt",)
    assert noms.stabilisation == scoring.STABILISATION_OPTIONS
    assert noms.reasons[0].startswith("High-grade ESCC but radiosensitive histology: cEBRT")
    assert noms.reasons[1].startswith("SINS 9 (7 or more")
    assert noms.notice == scoring.MDT_NOTICE


def test_it_suggests_separation_surgery_once_the_clinicians_judge_the_histology_radioresistant():
    noms = summary_of(noms_ready_case(radiosensitivity_override="radioresistant")).noms

    assert noms.pathways == ("separation_surgery_plus_sbrt",)


def test_it_falls_back_to_radiation_or_supportive_care_when_not_fit_for_surgery():
    noms = summary_of(noms_ready_case(fit_for_surgery=False)).noms

    assert noms.complete is True
    assert noms.pathways == ("cebrt", "best_supportive_care")
    # Instability still calls for stabilisation: the percutaneous options remain for the unfit (HAZ-010).
    assert noms.stabilisation == scoring.PERCUTANEOUS_OPTIONS


# --------------------------------------------------------------------------- the case page


@pytest.fixture
def scoring_client(client):
    client.force_login(scorer())
    return client


def test_it_shows_the_scores_noms_suggestion_and_clocks_on_the_case_page(scoring_client):
    case = breast_case(fit_for_surgery=True, suspected_diagnosis_at=NOW - 30 * HOUR, referred_at=NOW - 30 * HOUR)
    graded_scan(case, EsccGradeChoice.G2, NOW - 2 * HOUR, modality=Modality.MRI_TARGETED)  # does not stop the clock
    scored(case, "sins", SINS_9, at=NOW - HOUR, level="T7")
    scored(case, "tokuhashi", TOKUHASHI_11, at=NOW - HOUR)
    scored(case, "tomita", TOMITA_3, at=NOW - HOUR)

    response = scoring_client.get(reverse("case-detail", args=[case.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    # scores with their bands
    assert "SINS T7:</span>\n9 · Potentially unstable (indeterminate)" in html
    assert "Surgical or spinal-oncology opinion advised" in html
    assert "Revised Tokuhashi:</span>\n11 · 6 months or more" in html
    assert "Tomita:</span>\n3 · Long-term local control" in html
    assert escape(scoring.TOKUHASHI_VERTEBRAL_CONFLICT) in html
    assert "ESCC (Bilsky), worst grade of the case's imaging: " in html
    assert "2: cord compressed, CSF visible</span>, on the Targeted MRI of" in html
    # the NOMS suggestion, never a decision
    # labels, never internal keys (HAZ-019)
    assert "Radiosensitivity: Radiosensitive to cEBRT (default for the primary)" in html
    assert "Fit for surgery: yes." in html
    cebrt = "<strong>Conventional external beam radiotherapy (cEBRT)</strong>"
    assert f"{cebrt}; consider Open surgical stabilisation, Percutaneous (minimally invasive) fixation" in html
    assert escape(scoring.MDT_NOTICE) in html
    # the clock
    assert "Whole-spine MRI within 24 hours" in html
    assert '<span class="badge clock-badge-breached">Breached</span>' in html
    assert "6 h 0 min overdue" in html
    # the clinician may record scores and change the NOMS inputs
    assert reverse("noms-inputs-update", args=[case.pk]) in html
    assert reverse("assessment-new", args=[case.pk, "sins"]) in html


def test_it_says_what_is_not_scored_yet_on_the_case_page(scoring_client):
    case = breast_case(suspected_diagnosis_at=None)

    html = scoring_client.get(reverse("case-detail", args=[case.pk])).content.decode()

    assert "SINS: not scored" in html
    assert "Revised Tokuhashi: not scored" in html
    assert "Tomita: not scored" in html
    assert "ESCC (Bilsky), worst grade of the case's imaging: not graded" in html
    assert "No suggestion until the ESCC grade (from a graded MRI) is recorded." in html
    assert "Fit for surgery: not yet judged." in html
    assert "Start time assumed: the referral time" in html
    assert escape(scoring.MDT_NOTICE) in html


def test_it_shows_an_incomplete_score_with_what_is_missing(scoring_client):
    case = breast_case()
    scored(case, "sins", {**SINS_9, "pain": None, "alignment": None}, at=NOW - HOUR, level="T7")

    html = scoring_client.get(reverse("case-detail", args=[case.pk])).content.decode()

    assert "incomplete (missing Pain, Radiographic spinal alignment)" in html  # labels, not keys


def test_it_hides_the_score_buttons_and_noms_form_from_a_user_without_the_permission(client):
    case = breast_case()
    client.force_login(coordinator())

    html = client.get(reverse("case-detail", args=[case.pk])).content.decode()

    assert reverse("noms-inputs-update", args=[case.pk]) not in html
    assert reverse("assessment-new", args=[case.pk, "sins"]) not in html
    assert escape(scoring.MDT_NOTICE) in html  # the suggestion itself is for everyone


# --------------------------------------------------------------------------- changing the NOMS inputs


def test_it_lets_a_clinician_record_radiosensitivity_and_fitness(scoring_client):
    case = breast_case(fit_for_surgery=True)

    response = scoring_client.post(
        reverse("noms-inputs-update", args=[case.pk]),
        {"radiosensitivity_override": "radioresistant", "fit_for_surgery": "false", "loaded_version": case.version},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("case-detail", args=[case.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [f"NOMS inputs saved. MRN {case.patient.mrn}."]
    case.refresh_from_db()
    assert (case.radiosensitivity_override, case.fit_for_surgery) == ("radioresistant", False)
    summary = summary_of(case)
    assert (summary.radiosensitivity.value, summary.radiosensitivity_overridden) == ("radioresistant", True)


def test_it_lets_a_clinician_clear_the_override_back_to_the_default(scoring_client):
    case = breast_case(radiosensitivity_override="radioresistant", fit_for_surgery=False)

    scoring_client.post(
        reverse("noms-inputs-update", args=[case.pk]),
        {"radiosensitivity_override": "", "fit_for_surgery": "unknown", "loaded_version": case.version},
    )

    case.refresh_from_db()
    assert (case.radiosensitivity_override, case.fit_for_surgery) == ("", None)


def test_it_refuses_a_radiosensitivity_that_is_not_a_choice_and_keeps_the_old_one(scoring_client):
    case = breast_case(fit_for_surgery=True)

    response = scoring_client.post(
        reverse("noms-inputs-update", args=[case.pk]),
        {"radiosensitivity_override": "glowing", "fit_for_surgery": "false", "loaded_version": case.version},
    )

    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "glowing is not one of the available choices" in message
    case.refresh_from_db()
    assert (case.radiosensitivity_override, case.fit_for_surgery) == ("", True)


@pytest.mark.parametrize("who", ["coordinator", "clinician without the permission"])
def test_it_forbids_changing_the_noms_inputs_without_the_permission(client, who):
    case = breast_case(fit_for_surgery=True)
    client.force_login(coordinator() if who == "coordinator" else clinician())

    response = client.post(
        reverse("noms-inputs-update", args=[case.pk]),
        {"radiosensitivity_override": "radioresistant", "fit_for_surgery": "false", "loaded_version": case.version},
    )

    assert response.status_code == 403
    case.refresh_from_db()
    assert (case.radiosensitivity_override, case.fit_for_surgery) == ("", True)
