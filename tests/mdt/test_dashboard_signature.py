"""Awaiting your signature: on the dashboard the moment the decision is saved, signed from there."""

import pytest
from django.urls import reverse
from django.utils import timezone

from mdt.models import Decision, Member, SignOff
from tests.factories import CaseFactory, PatientFactory, decision_awaiting, team_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def named():
    return team_user("olwen", Member.Role.ONCOLOGIST), team_user("steffan", Member.Role.SPINAL_SURGEON)


@pytest.fixture
def decision(named):
    case = CaseFactory(patient=PatientFactory(mrn="MRN0042", family_name="Bowen", given_name="Sian"))
    return decision_awaiting(list(named), timezone.now(), case=case)


def test_a_named_clinician_sees_it_at_once_and_signs_from_the_dashboard(client, named, decision):
    oncologist, surgeon = named
    client.force_login(oncologist)

    page = client.get(reverse("dashboard")).content.decode()
    assert "Awaiting your signature" in page and "MRN0042" in page and "BOWEN, Sian" in page

    response = client.post(
        reverse("decision-sign", args=[decision.pk]), {"response": "agree", "next": "dashboard"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("dashboard")
    text = response.content.decode()
    assert "Signed: agrees. MRN MRN0042." in text
    assert "Awaiting your signature" not in text
    assert SignOff.objects.get(decision=decision, member=oncologist.member).response == SignOff.Response.AGREE
    # the other clinician still has it to sign
    client.force_login(surgeon)
    assert "Awaiting your signature" in client.get(reverse("dashboard")).content.decode()


def test_someone_not_named_does_not_see_it(client, decision):
    client.force_login(team_user("rhian", Member.Role.RADIOLOGIST))
    assert "Awaiting your signature" not in client.get(reverse("dashboard")).content.decode()


def test_a_locked_or_superseded_decision_is_not_asked_for(client, named, decision):
    Decision.objects.filter(pk=decision.pk).update(status=Decision.Status.SUPERSEDED)
    client.force_login(named[0])
    assert client.get(reverse("dashboard")).context["awaiting_signature"] == []


def test_signing_from_elsewhere_returns_to_the_decision(client, named, decision):
    client.force_login(named[0])
    response = client.post(reverse("decision-sign", args=[decision.pk]), {"response": "agree"})
    assert response["Location"] == reverse("decision-detail", args=[decision.pk])
