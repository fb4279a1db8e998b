"""Every signed decision reaches its patient: the letters page lists the signed decisions with no patient's
letter yet, and drafts one from there."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from letters.models import PatientLetter
from letters.owed import LETTER_OWED_DAYS
from mdt.models import Decision
from tests.factories import coordinator_user
from tests.letters.makers import decision_at_meeting, letter_for, oncologist

pytestmark = pytest.mark.django_db

PAGE = reverse("letters:list")


def owed_mrns(client) -> list[str]:
    return [decision.case.patient.mrn for decision in client.get(PAGE).context["owed"]]


@pytest.mark.hazard("HAZ-105")
def test_a_signed_decision_with_no_letter_is_listed_until_its_letter_is_drafted(client):
    signer = oncologist()
    decision = decision_at_meeting(signer)
    client.force_login(signer)

    page = client.get(PAGE).content.decode()
    assert owed_mrns(client) == [decision.case.patient.mrn]
    assert reverse("letters:start", args=[decision.pk]) in page and "Write the patient's letter" in page

    drafted = client.post(reverse("letters:start", args=[decision.pk]))

    letter = PatientLetter.objects.get(decision=decision)
    assert drafted["Location"] == letter.get_absolute_url()
    assert owed_mrns(client) == []


@pytest.mark.hazard("HAZ-105")
def test_only_signed_current_decisions_of_living_patients_in_the_window_are_listed(client):
    signer = oncologist()
    listed = decision_at_meeting(signer)
    decision_at_meeting(signer, signed=False)  # awaiting sign-off: its letter waits for the signature
    superseded = decision_at_meeting(signer)
    Decision.objects.filter(pk=superseded.pk).update(status=Decision.Status.SUPERSEDED)
    died = decision_at_meeting(signer)
    died.case.patient.died_on = timezone.localdate()
    died.case.patient.save()
    old = decision_at_meeting(signer)
    Decision.objects.filter(pk=old.pk).update(decided_at=timezone.now() - dt.timedelta(days=LETTER_OWED_DAYS + 1))
    written = decision_at_meeting(signer)
    letter_for(written, signer)
    client.force_login(coordinator_user("coord"))

    assert owed_mrns(client) == [listed.case.patient.mrn]


def test_the_oldest_decision_comes_first(client):
    signer = oncologist()
    newer, older = decision_at_meeting(signer), decision_at_meeting(signer)
    Decision.objects.filter(pk=older.pk).update(decided_at=newer.decided_at - dt.timedelta(days=7))
    client.force_login(signer)

    assert owed_mrns(client) == [older.case.patient.mrn, newer.case.patient.mrn]
