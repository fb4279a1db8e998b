"""The letters pages: a `next` never leaves the site, and each confirmation names the patient by MRN."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from letters.models import FormatTask
from tests.factories import PatientFactory, coordinator_user
from tests.letters.makers import decision_at_meeting, letter_for, needs, oncologist

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def service(settings):
    settings.PATIENT_SAFETY_NET_PHONE = "01632 960123"


def said(response):
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.mark.parametrize(
    "wanted",
    [
        "https://evil.example/",
        "//evil.example/",
        "http://evil.example/sign-in",
        "/\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_the_needs_form_never_sends_the_user_to_another_site(client, wanted):
    patient = PatientFactory()
    client.force_login(coordinator_user("next_coord"))
    url = reverse("letters:needs", args=[patient.pk])

    assert wanted not in client.get(url, {"next": wanted}).content.decode()
    response = client.post(url, {"large_print": "on", "next": wanted})

    assert response.status_code == 302 and response["Location"] == patient.get_absolute_url()
    assert f"MRN {patient.mrn}" in said(response)


def test_the_needs_form_goes_back_to_the_page_on_this_site_it_came_from(client):
    patient = PatientFactory()
    client.force_login(coordinator_user("next_coord"))
    back = "/letters/"
    response = client.post(reverse("letters:needs", args=[patient.pk]), {"large_print": "on", "next": back})
    assert response["Location"] == back


def test_releasing_a_letter_and_arranging_a_format_name_the_patient_by_mrn(client):
    onc = oncologist()
    decision = decision_at_meeting(onc)
    mrn = decision.case.patient.mrn
    needs(decision.case.patient, braille=True)
    letter = letter_for(decision, onc)
    client.force_login(onc)

    response = client.post(reverse("letters:release", args=[letter.pk]), {"loaded_version": letter.version})

    assert f"Letter released (standard print). MRN {mrn}." in said(response), said(response)
    client.force_login(coordinator_user("arranging"))
    task = FormatTask.objects.get(letter=letter, need=FormatTask.Need.BRAILLE)
    response = client.post(reverse("letters:task-done", args=[task.pk]))
    assert f"Braille marked arranged. MRN {mrn}." in said(response)
