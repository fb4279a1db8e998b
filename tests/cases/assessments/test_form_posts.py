"""Posting the clinicians' score form: saved, refused with the error on the field, or forbidden."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from cases.models import Assessment, SinsAssessment
from tests.cases.assessments.helpers import LONDON, NOW, SINS_11, form_url, scorer
from tests.factories import (
    ScanFactory,
    clinician,
    coordinator,
)

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- the clinicians' form: saving


def sins_post(**overrides) -> dict[str, str]:
    return {"level": "T11", "scan": "", "assessed_at": "2026-06-10T11:30", "note": "", **SINS_11, **overrides}


def test_it_saves_a_posted_sins_and_returns_to_the_case_with_a_message(client, case):
    user = scorer()
    client.force_login(user)
    scan = ScanFactory(case=case, requested_at=NOW - dt.timedelta(days=1), performed=True)

    response = client.post(form_url(case, "sins"), sins_post(scan=str(scan.pk), note="Reviewed at the MDT"))

    assert response.status_code == 302
    assert response["Location"] == reverse("case-detail", args=[case.pk])
    saved = SinsAssessment.objects.get()
    assert (saved.case, saved.level, saved.total, saved.band, saved.complete) == (
        case,
        "T11",
        11,
        "potentially_unstable",
        True,
    )
    assert saved.assessed_by == user
    assert saved.scan == scan
    assert saved.assessed_at == dt.datetime(2026, 6, 10, 11, 30, tzinfo=LONDON)
    assert saved.note == "Reviewed at the MDT"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"SINS recorded (total 11). MRN {case.patient.mrn}."
    ]


def test_it_saves_a_posted_score_with_a_blank_component_as_incomplete(scoring_client, case):
    response = scoring_client.post(form_url(case, "sins"), sins_post(alignment=""))

    assert response.status_code == 302
    saved = SinsAssessment.objects.get()
    assert (saved.complete, saved.total) == (False, None)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"SINS recorded (incomplete). MRN {case.patient.mrn}."
    ]


def test_it_shows_the_form_again_with_the_error_on_a_component_value_not_in_the_table(scoring_client, case):
    response = scoring_client.post(form_url(case, "sins"), sins_post(bone_lesion="chalky"))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["bone_lesion"]
    assert Assessment.objects.count() == 0


@pytest.mark.parametrize(("typed", "message"), [("", "This field is required."), ("L6", "'L6' is not a spinal level")])
def test_it_shows_the_form_again_with_the_error_on_a_missing_or_unknown_level(scoring_client, case, typed, message):
    response = scoring_client.post(form_url(case, "sins"), sins_post(level=typed))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["level"]
    assert message in errors["level"][0]
    assert Assessment.objects.count() == 0


def test_it_refuses_a_posted_scan_of_another_case_on_the_scan_field(scoring_client, case):
    other_scan = ScanFactory(requested_at=NOW - dt.timedelta(days=1), performed=True)

    response = scoring_client.post(form_url(case, "sins"), sins_post(scan=str(other_scan.pk)))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["scan"]
    assert Assessment.objects.count() == 0


def test_it_answers_404_for_a_score_it_does_not_know(scoring_client, case):
    assert scoring_client.get(form_url(case, "frankel")).status_code == 404
    assert scoring_client.post(form_url(case, "frankel"), sins_post()).status_code == 404


def test_it_answers_404_for_a_case_that_does_not_exist(scoring_client):
    assert scoring_client.get(reverse("assessment-new", args=[987654, "sins"])).status_code == 404


def test_it_sends_an_anonymous_visitor_to_sign_in(client, case):
    url = form_url(case, "sins")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("who", ["coordinator", "clinician without the permission"])
def test_it_forbids_the_form_to_a_user_without_the_permission(client, case, who):
    client.force_login(coordinator() if who == "coordinator" else clinician())

    assert client.get(form_url(case, "sins")).status_code == 403
    assert client.post(form_url(case, "sins"), sins_post()).status_code == 403
    assert Assessment.objects.count() == 0
