"""Who opened a referral: its pages and its advice letter show the patient's identifiers, so each opening is in
the access records the auditors read, as for a patient's or a case's page."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import AccessRecord
from tests.factories import CaseFactory
from tests.referrals import makers

pytestmark = pytest.mark.django_db


def records() -> list[tuple[int, str, int | None, int | None, int | None]]:
    return list(
        AccessRecord.objects.order_by("id").values_list("user_id", "kind", "referral_id", "patient_id", "case_id")
    )


@pytest.mark.hazard("HAZ-041")
def test_the_services_page_the_referrers_page_and_the_advice_letter_each_record_who_opened_the_referral(
    client, referrer, mscc
):
    referral = makers.advised(makers.submitted(referrer), by=mscc)
    client.force_login(mscc)
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 200
    assert client.get(reverse("referrals:advice", args=[referral.pk])).status_code == 200
    client.force_login(referrer)
    assert client.get(reverse("refer:detail", args=[referral.pk])).status_code == 200
    assert client.get(reverse("refer:advice-pdf", args=[referral.pk])).status_code == 200

    assert records() == [
        (mscc.pk, "referral", referral.pk, None, None),
        (mscc.pk, "referral", referral.pk, None, None),
        (referrer.pk, "referral", referral.pk, None, None),
        (referrer.pk, "pdf_download", referral.pk, None, None),
    ]


@pytest.mark.hazard("HAZ-041")
def test_a_referral_linked_to_a_case_records_the_patient_and_the_case_too(client, referrer, mscc):
    referral = makers.advised(makers.submitted(referrer), by=mscc)
    case = CaseFactory()
    type(referral).objects.filter(pk=referral.pk).update(case=case)
    client.force_login(mscc)

    client.get(reverse("referrals:detail", args=[referral.pk]))

    assert records() == [(mscc.pk, "referral", referral.pk, case.patient_id, case.pk)]


def test_a_referral_another_organisation_cannot_see_records_nothing(client, referrer, other_org, mscc):
    referral = makers.submitted(referrer)
    client.force_login(makers.referrer_user("other", other_org))

    assert client.get(reverse("refer:detail", args=[referral.pk])).status_code == 404
    assert records() == []


def test_an_access_record_names_a_patient_or_a_referral(mscc):
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessRecord.objects.create(user=mscc, kind="referral")
