"""The scores, the NOMS suggestion and the clocks on the case page, and the clinicians' NOMS inputs."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape

from cases import scoring
from cases.choices import EsccGradeChoice, Modality
from tests.cases.case_summary.helpers import (
    HOUR,
    NOW,
    SINS_9,
    TOMITA_3,
    breast_case,
    graded_scan,
    scored,
    scorer,
    summary_of,
)
from tests.factories import (
    TOKUHASHI_11,
    clinician,
    coordinator,
)

pytestmark = pytest.mark.django_db


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
