"""The demo service shows patients' letters: needs recorded, letters drafted, and seeding twice adds nothing."""

import pytest
from django.core.management import call_command

from cases.models import CommunicationNeeds
from letters.models import PatientLetter

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_has_needs_and_draft_letters_and_seeding_again_adds_nothing(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (CommunicationNeeds.objects.count(), PatientLetter.objects.count())

    call_command("seed_demo")

    assert counts == (4, 4)
    assert (CommunicationNeeds.objects.count(), PatientLetter.objects.count()) == counts
    assert CommunicationNeeds.objects.filter(interpreter=True, language="Welsh").exists()
    assert all(letter.status == PatientLetter.Status.DRAFT for letter in PatientLetter.objects.all())
    [from_advice] = PatientLetter.objects.filter(advice__isnull=False).select_related("patient", "advice__referral")
    assert from_advice.patient.nhs_number == from_advice.advice.referral.nhs_number
    assert "radiotherapy" in from_advice.body.lower() and from_advice.drafted_to
