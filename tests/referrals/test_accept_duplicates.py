"""Accepting a referral whose NHS number matches nobody, while a patient with the same family name and date of
birth is registered (HAZ-020): the coordinator sees who, and says whether it is them or a new person."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Case, Patient
from referrals.choices import Status
from referrals.services import accept
from tests.factories import CaseFactory, PatientFactory
from tests.referrals import makers

pytestmark = [pytest.mark.django_db, pytest.mark.hazard("HAZ-020")]


@pytest.fixture
def registered():
    """Megan Thomas as another hospital registered her: her own number, no NHS number (the referral's makers' name)."""
    return PatientFactory(
        mrn="RX2001", family_name="THOMAS", given_name="Megan", date_of_birth=makers.COMPLETE["date_of_birth"],
        nhs_number=None,
    )  # fmt: skip


@pytest.fixture
def referral(referrer, mscc):
    return makers.advised(makers.submitted(referrer, family_name="Thomas "), by=mscc)


def post_accept(client, referral, **data):
    return client.post(reverse("referrals:accept", args=[referral.pk]), {"mrn": "SPN0001", **data})


def test_the_referral_page_names_the_possible_duplicate_with_a_link_and_the_choice(client, mscc, registered, referral):
    client.force_login(mscc)

    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()

    assert "THOMAS, Megan, born 14 Mar 1958, MRN RX2001" in page
    assert f'<a href="/patients/{registered.pk}/" target="_blank" rel="noopener">open their record</a>' in page
    assert f'name="same_as" value="{registered.pk}"' in page
    assert 'name="same_as" value="new"' in page


def test_accepting_without_saying_who_it_is_is_refused_and_saves_nothing(client, mscc, registered, referral):
    client.force_login(mscc)

    refused = post_accept(client, referral)

    assert refused.status_code == 400
    errors = refused.context["accept_form"].errors["same_as"]
    assert errors[0].startswith("Possible duplicate: THOMAS, Megan, born 14 Mar 1958, MRN RX2001")
    assert "A different person: register them as new" in errors[1]
    referral.refresh_from_db()
    assert (referral.status, referral.case_id) == (Status.ADVICE_GIVEN, None)
    assert list(Patient.objects.values_list("mrn", flat=True)) == ["RX2001"]


def test_choosing_the_registered_patient_joins_their_open_case(client, mscc, registered, referral):
    open_case = CaseFactory(patient=registered)
    client.force_login(mscc)

    response = post_accept(client, referral, same_as=str(registered.pk))

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.case == open_case
    assert "the coordinator chose MRN RX2001" in referral.identity_note
    assert Patient.objects.count() == 1


def test_saying_it_is_a_different_person_registers_a_new_patient_with_the_check_on_its_history(
    client, mscc, registered, referral
):
    client.force_login(mscc)

    response = post_accept(client, referral, same_as="new")

    assert response.status_code == 302
    new = Patient.objects.get(mrn="SPN0001")
    assert Case.objects.get(patient=new) == Case.objects.get(referrals=referral)
    assert new.history.get().history_change_reason == "Checked: a different person from MRN RX2001"
    referral.refresh_from_db()
    assert referral.identity_note == (
        "Possible duplicates (same family name and date of birth: MRN RX2001) checked: a different person."
    )


def test_a_patient_chosen_that_is_not_a_possible_duplicate_is_refused(mscc, registered, referral):
    stranger = PatientFactory(mrn="RX3003", nhs_number=None)

    with pytest.raises(ValidationError) as caught:
        accept.referral_accept(referral_id=referral.pk, user=mscc, mrn="SPN0001", same_as=stranger.pk)

    assert list(caught.value.message_dict) == ["same_as"]
    assert not Case.objects.exists()


def test_a_registered_patient_with_another_nhs_number_is_a_different_person(mscc, referral):
    PatientFactory(mrn="RX2001", family_name="Thomas", date_of_birth=makers.COMPLETE["date_of_birth"])

    assert accept.identity_check(referral).duplicates == []
