"""Bad input on the service's triage pages (decline, advice and its amendment, accept): refused with a
message on the field it names, nothing saved, never a 500."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cases.models import Case, Patient
from referrals.choices import Outcome, Precautions, Status
from referrals.forms.triage import AdviceForm
from referrals.models import Advice, Referral
from referrals.services import triage
from tests.referrals import makers

pytestmark = pytest.mark.django_db

ADVICE_POST = {
    "outcome": Outcome.LIST_FOR_MDT,
    "advice": "Flat bed rest, log roll. Dexamethasone 16 mg.",
    "precautions": Precautions.FLAT_LOG_ROLL,
}
REASON_MAX = Referral._meta.get_field("decline_reason").max_length


def unchanged(referral: Referral) -> bool:
    """The referral as it was: same status and version, no decline recorded."""
    saved = Referral.objects.get(pk=referral.pk)
    return (saved.status, saved.version, saved.decline_reason) == (referral.status, referral.version, "")


# --------------------------------------------------------------------------- decline


@pytest.mark.parametrize("data", [{}, {"reason": ""}, {"reason": " \n "}], ids=["missing", "empty", "blank"])
def test_declining_without_a_reason_is_refused_on_the_reason_field(client, referrer, mscc, data):
    referral = makers.submitted(referrer)
    client.force_login(mscc)

    response = client.post(reverse("referrals:decline", args=[referral.pk]), data)

    assert response.status_code == 400
    assert response.context["decline_form"].errors["reason"] == [
        "Say why the referral is declined: the referrer reads it."
    ]
    assert "Say why the referral is declined" in response.content.decode()
    assert unchanged(referral)


def test_a_decline_reason_longer_than_the_record_keeps_is_refused_on_the_field(client, referrer, mscc):
    referral = makers.submitted(referrer)
    client.force_login(mscc)

    response = client.post(reverse("referrals:decline", args=[referral.pk]), {"reason": "x" * (REASON_MAX + 1)})

    assert response.status_code == 400
    assert f"at most {REASON_MAX} characters" in " ".join(response.context["decline_form"].errors["reason"])
    assert unchanged(referral)


def test_the_service_refuses_a_decline_reason_longer_than_the_record_keeps(referrer, mscc):
    referral = makers.submitted(referrer)

    with pytest.raises(ValidationError) as caught:
        triage.referral_decline(referral_id=referral.pk, user=mscc, reason="x" * (REASON_MAX + 1))

    assert "reason" in caught.value.message_dict
    assert unchanged(referral)


# --------------------------------------------------------------------------- the advice being amended


def advise(client, referral, **data):
    return client.post(reverse("referrals:advice", args=[referral.pk]), {**ADVICE_POST, **data})


def test_the_advice_page_carries_the_advice_it_amends_and_saves_the_amendment(client, referrer, mscc):
    referral = makers.advised(makers.submitted(referrer), by=mscc)
    current = Advice.objects.get()
    client.force_login(mscc)

    page = client.get(reverse("referrals:advice", args=[referral.pk]))
    response = advise(client, referral, amends=str(current.pk), amendment_reason="The MRI shows cord compression.")

    assert page.context["form"]["amends"].value() == current.pk
    assert response.status_code == 302
    amended = Advice.objects.latest("id")
    assert (amended.amends, amended.amendment_reason) == (current, "The MRI shows cord compression.")


@pytest.mark.parametrize("amends", ["abc", "1.5", "-3", "0", "1e3"])
def test_an_amendment_of_an_advice_id_that_is_not_a_number_is_refused_on_the_field(client, referrer, mscc, amends):
    referral = makers.advised(makers.submitted(referrer), by=mscc)
    client.force_login(mscc)

    response = advise(client, referral, amends=amends, amendment_reason="Changed.")

    assert response.status_code == 200
    assert response.context["form"].errors["amends"]
    assert "The advice being amended: Not an advice of this referral" in response.content.decode()
    assert Advice.objects.count() == 1


def test_a_first_advice_posted_with_a_bad_advice_id_is_refused_not_saved(client, referrer, mscc):
    referral = makers.submitted(referrer)
    client.force_login(mscc)

    response = advise(client, referral, amends="abc")

    assert response.status_code == 200
    assert response.context["form"].errors["amends"]
    assert not Advice.objects.exists()
    assert Referral.objects.get(pk=referral.pk).status == referral.status


def test_an_amendment_of_an_unknown_advice_or_another_referrals_is_refused_on_the_field(client, referrer, mscc):
    referral = makers.advised(makers.submitted(referrer), by=mscc)
    other = makers.advised(makers.submitted(referrer), by=mscc)
    client.force_login(mscc)

    for amends in (Advice.objects.latest("id").pk + 1000, Advice.objects.get(referral=other).pk):
        response = advise(client, referral, amends=str(amends), amendment_reason="Changed.")

        assert response.status_code == 200
        assert response.context["form"].errors["amends"] == [
            "Not an advice of this referral: reload the page and amend the current advice."
        ]
    assert Advice.objects.count() == 2


def test_the_service_refuses_amending_an_advice_of_another_referral(referrer, mscc):
    referral = makers.submitted(referrer)
    other = makers.advised(makers.submitted(referrer), by=mscc)

    with pytest.raises(ValidationError) as caught:
        triage.advice_give(
            referral_id=referral.pk,
            user=mscc,
            fields={**ADVICE_POST, "stability_cleared_by": "", "stability_cleared_at": None, "steroid_advice": ""},
            amends_id=Advice.objects.get(referral=other).pk,
            reason="Changed.",
        )

    assert "amends" in caught.value.message_dict
    assert not Advice.objects.filter(referral=referral).exists()


@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amends=st.text(max_size=12))
def test_any_advice_id_but_the_current_ones_is_refused_and_nothing_saved(client, referrer, mscc, amends):
    referral = Referral.objects.filter(advice__isnull=False).first() or makers.advised(
        makers.submitted(referrer), by=mscc
    )
    current = Advice.objects.get(referral=referral)
    try:
        named = AdviceForm.base_fields["amends"].clean(amends)
    except ValidationError:
        named = None
    assume(named != current.pk)  # the one right answer (saved) is the other tests'
    client.force_login(mscc)

    response = advise(client, referral, amends=amends, amendment_reason="Changed.")

    if "\x00" in amends:  # refused before any view (core.middleware): no field accepts a NUL
        assert response.status_code == 400 and b"NUL character" in response.content
    else:  # the form again, with the field's error
        assert response.status_code == 200
    assert Advice.objects.count() == 1


# --------------------------------------------------------------------------- accept


def test_accepting_with_a_hospital_number_longer_than_the_form_allows_is_refused_on_the_field(client, referrer, mscc):
    referral = makers.advised(makers.submitted(referrer), by=mscc)
    client.force_login(mscc)

    response = client.post(reverse("referrals:accept", args=[referral.pk]), {"mrn": "S" * 21})

    assert response.status_code == 400
    assert response.context["accept_form"].errors["mrn"]
    assert not Patient.objects.exists() and not Case.objects.exists()
    assert Referral.objects.get(pk=referral.pk).status == Status.ADVICE_GIVEN
