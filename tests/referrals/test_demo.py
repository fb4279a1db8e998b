"""seed_demo includes the front door: referring hospitals, referrers who can sign in, referrals in every state."""

import pytest
from django.core.management import call_command

from referrals import selectors
from referrals.choices import Status
from referrals.models import Organisation, Referral

pytestmark = pytest.mark.django_db


def test_the_demo_has_referring_hospitals_referrers_and_a_referral_in_every_state(settings, client, capsys):
    settings.DEBUG = True
    call_command("seed_demo")

    assert "referrer     Referrer at Riverside General Hospital" in capsys.readouterr().out
    assert Organisation.objects.filter(is_service=True).count() == 1
    assert set(Referral.objects.values_list("status", flat=True)) == set(Status.values)
    for referral in Referral.objects.all():
        referral.full_clean()  # every demo referral passes the same validation as a typed one
    assert Referral.objects.filter(status=Status.DRAFT).count() == 1
    assert Referral.objects.filter(status=Status.NEW, by_phone=True, referrer__isnull=True).exists()
    assert [shift.coordinator.username for shift in selectors.on_duty()] == ["mscc"]
    accepted = Referral.objects.get(status=Status.ACCEPTED)
    assert accepted.case is not None and accepted.case.status == "awaiting_mdt"
    assert client.login(username="referrer", password="spine-demo-2026")
    assert client.get("/refer/").status_code == 200

    counts = (Organisation.objects.count(), Referral.objects.count())
    call_command("seed_demo")
    assert (Organisation.objects.count(), Referral.objects.count()) == counts
