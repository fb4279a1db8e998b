"""Where a patient's letter goes: the communication needs' address when one is recorded there (a care
home), else the address the PAS holds (its feed, PID-11); the page says which and where it came from,
and says so when the PAS address changes after drafting (the release then uses the new one)."""

import pytest
from django.urls import reverse

from integrations.hl7.receive import feed_message_receive
from letters import services
from tests.integrations import hl7_messages as hl7
from tests.letters.makers import ADDRESS, decision_at_meeting, letter_for, needs, oncologist

pytestmark = pytest.mark.django_db

HOME = "12 HEOL Y FELIN^^CARDIFF^^CF14 1AA^GBR^H"
MOVED = "7 FFORDD Y BONT^^SWANSEA^^SA1 1AA^GBR^H"


@pytest.fixture(autouse=True)
def service(settings):
    settings.PATIENT_SAFETY_NET_PHONE = "01632 960123"


@pytest.fixture
def onc():
    return oncologist()


def pas_sends(patient, control_id: str, address: str) -> None:
    """An A08 from the PAS for this patient carrying PID-11."""
    feed_message_receive(
        hl7.adt(
            "A08", control_id, mrn=patient.mrn, nhs=patient.nhs_number or "", family=patient.family_name.upper(),
            given=patient.given_name.upper(), dob=f"{patient.date_of_birth:%Y%m%d}", sex="F", address=address,
        )
    )  # fmt: skip
    patient.refresh_from_db()


def page(client, letter) -> str:
    return client.get(reverse("letters:letter", args=[letter.pk])).content.decode()


@pytest.mark.hazard("HAZ-100")
def test_without_an_address_for_letters_the_letter_goes_to_the_pas_address_and_says_so(client, onc):
    decision = decision_at_meeting(onc, given_name="Alys", family_name="Griffiths", sex="female")
    pas_sends(decision.case.patient, "LA1", HOME)
    letter = letter_for(decision, onc)
    client.force_login(onc)

    html = page(client, letter)
    released = services.letter_release(letter_id=letter.pk, user=onc, loaded_version=letter.version)

    assert 'data-address-source="pas"' in html and "the address the PAS holds" in html
    assert "12 HEOL Y FELIN<br>CARDIFF<br>CF14 1AA" in html
    assert released.released_to == "Alys Griffiths\n12 HEOL Y FELIN\nCARDIFF\nCF14 1AA"
    assert released.address_source == "pas"
    assert "(the pas)" in page(client, released)


@pytest.mark.hazard("HAZ-100")
def test_an_address_recorded_for_letters_such_as_a_care_home_wins_over_the_pas_address(client, onc):
    decision = decision_at_meeting(onc, given_name="Alys", family_name="Griffiths", sex="female")
    pas_sends(decision.case.patient, "LA2", HOME)
    needs(decision.case.patient, address="Ty Gwyn Care Home\nPenarth\nCF64 1AA")
    letter = letter_for(decision, onc)
    client.force_login(onc)

    html = page(client, letter)
    released = services.letter_release(letter_id=letter.pk, user=onc, loaded_version=letter.version)

    assert 'data-address-source="needs"' in html and "communication needs" in html
    assert "The PAS holds another address" in html
    assert released.released_to == "Alys Griffiths\nTy Gwyn Care Home\nPenarth\nCF64 1AA"
    assert released.address_source == "needs"


@pytest.mark.hazard("HAZ-100")
def test_when_the_pas_address_changes_after_drafting_the_page_says_so_and_the_release_uses_the_new_one(client, onc):
    decision = decision_at_meeting(onc, given_name="Alys", family_name="Griffiths", sex="female")
    patient = decision.case.patient
    pas_sends(patient, "LA3", HOME)
    letter = letter_for(decision, onc)
    before = page(client_for(client, onc), letter)

    pas_sends(patient, "LA4", MOVED)
    after = page(client, letter)
    preview = client.get(reverse("letters:html", args=[letter.pk])).content.decode()
    released = services.letter_release(letter_id=letter.pk, user=onc, loaded_version=letter.version)

    assert "data-address-changed" not in before
    assert "The address changed after this letter was drafted." in after and "12 HEOL Y FELIN" in after
    assert "7 FFORDD Y BONT" in preview and "HEOL Y FELIN" not in preview
    assert released.released_to == "Alys Griffiths\n7 FFORDD Y BONT\nSWANSEA\nSA1 1AA"
    assert "data-address-changed" not in page(client, released)


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.mark.hazard("HAZ-100")
def test_a_letter_goes_nowhere_when_neither_the_pas_nor_the_needs_hold_an_address(client, onc):
    decision = decision_at_meeting(onc)
    needs(decision.case.patient, address="", large_print=True)
    letter = letter_for(decision, onc)
    client.force_login(onc)

    html = page(client, letter)

    assert "No address: the PAS holds none" in html and "Release the letter" not in html
    assert any("No address for the patient's letters" in p for p in services.release_problems(letter, onc))
    assert ADDRESS not in html
