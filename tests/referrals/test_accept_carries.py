"""One click from a referral to a case carries what the referral said: the steroid dose and its reason,
the referrer's MRI (as a performed scan, with the MRI clock it answers), and the rest of the facts."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.choices import Modality
from cases.clocks import ClockState, case_clocks
from cases.models import Case, Scan
from referrals.services import accept
from tests.referrals import makers

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
REASON = "Progressive weakness despite 16 mg: oncologist advised 24 mg"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


# --------------------------------------------------------------------------- the steroid dose


@pytest.mark.hazard("HAZ-012")
def test_a_dose_above_the_usual_loading_dose_is_accepted_with_its_reason_onto_the_case(referrer, mscc):
    referral = makers.advised(
        makers.submitted(referrer, dexamethasone_dose_mg=24, dexamethasone_dose_reason=REASON), by=mscc
    )

    case = accept.referral_accept(referral_id=referral.pk, user=mscc, mrn="SPN0001")

    case.refresh_from_db()
    assert (case.steroid_dose_mg, case.steroid_dose_reason) == (Decimal("24.0"), REASON)
    assert case.steroids_started_at == referral.dexamethasone_first_dose_at


def neurology_step(client, referral, **data):
    fields = {
        "red_flags": ["limb_weakness"],
        "dexamethasone_given": "yes",
        "dexamethasone_first_dose_at": (timezone.localtime() - dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M"),
        **data,
    }
    return client.post(
        reverse("refer:step", args=[referral.pk, "neurology"]),
        {**fields, "loaded_version": type(referral).objects.get(pk=referral.pk).version, "save": "1"},
    )


@pytest.mark.hazard("HAZ-012")
def test_the_referral_form_asks_for_the_reason_of_a_dose_above_the_usual_loading_dose(client, referrer):
    client.force_login(referrer)
    referral = makers.draft(referrer)

    page = client.get(reverse("refer:step", args=[referral.pk, "neurology"])).content.decode()
    assert 'name="dexamethasone_dose_reason"' in page  # asked in the steroids step

    refused = neurology_step(client, referral, dexamethasone_dose_mg="24")
    assert refused.status_code == 200
    assert "above the usual 16 mg needs a reason" in refused.context["form"].errors["dexamethasone_dose_reason"][0]
    referral.refresh_from_db()
    assert referral.dexamethasone_dose_mg == 16  # nothing saved

    saved = neurology_step(client, referral, dexamethasone_dose_mg="24", dexamethasone_dose_reason=REASON)
    assert saved.status_code == 302
    referral.refresh_from_db()
    assert (referral.dexamethasone_dose_mg, referral.dexamethasone_dose_reason) == (Decimal("24.0"), REASON)


@pytest.mark.hazard("HAZ-012")
def test_the_referral_takes_the_services_maximum_dose_not_its_own(client, referrer):
    """The limits are config/clinical_targets.toml's (the case's rule): 40 mg with a reason is a dose the case
    accepts; 160 mg (a tenfold typing error) is refused naming the field and the limit."""
    client.force_login(referrer)
    referral = makers.draft(referrer)

    assert neurology_step(client, referral, dexamethasone_dose_mg="40", dexamethasone_dose_reason=REASON).status_code == 302

    refused = neurology_step(client, referral, dexamethasone_dose_mg="160", dexamethasone_dose_reason=REASON)
    assert "above the 100 mg this service accepts" in refused.context["form"].errors["dexamethasone_dose_mg"][0]
    with pytest.raises(ValidationError) as caught:
        makers.draft(referrer, dexamethasone_dose_mg=0)
    assert "greater than 0" in caught.value.message_dict["dexamethasone_dose_mg"][0]


def test_a_referral_submitted_without_the_reason_is_accepted_with_the_coordinators(client, referrer, mscc):
    """A referral submitted before the form asked for the reason is never stuck: accepting asks for it."""
    referral = makers.advised(makers.submitted(referrer), by=mscc)
    type(referral).objects.filter(pk=referral.pk).update(dexamethasone_dose_mg=24)  # as saved before the rule
    client.force_login(mscc)
    url = reverse("referrals:accept", args=[referral.pk])

    refused = client.post(url, {"mrn": "SPN0001"})
    assert refused.status_code == 400
    assert "needs a reason" in refused.context["accept_form"].errors["steroid_dose_reason"][0]
    assert not Case.objects.exists()

    assert client.post(url, {"mrn": "SPN0001", "steroid_dose_reason": REASON}).status_code == 302
    assert Case.objects.get().steroid_dose_reason == REASON
