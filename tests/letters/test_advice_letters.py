"""The patient's letter after advice on a referral from another hospital (no MDT discussion): drafted in
plain words from the advice, edited and released by a clinician the policy allows, with the safety box,
copies to the GP and the referrer, and its history; shown on the referral's page and in the letters list."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from letters import services
from letters.advice_texts import OUTCOMES, PRECAUTIONS, STEROIDS
from letters.models import PatientLetter
from referrals.choices import PLAN_IN_ADVICE, Outcome, Precautions
from referrals.services import triage
from tests.factories import PatientFactory, coordinator_user, read_only_user
from tests.letters.makers import decision_at_meeting, needs, oncologist
from tests.referrals import makers

pytestmark = pytest.mark.django_db

PHONE = "01632 960123"
WARNING_SIGN = "Numbness, tingling or pins and needles in your arms, legs, bottom or between your legs."


@pytest.fixture(autouse=True)
def service(settings):
    settings.PATIENT_SAFETY_NET_PHONE = PHONE
    settings.MDT_SERVICE_NAME = "South Wales Spinal Metastases MDT"
    settings.MDT_SERVICE_PHONE = "029 2074 0000"


@pytest.fixture
def onc():
    return oncologist()


@pytest.fixture
def mscc():
    return coordinator_user("mscc-advice")


def advice_on(by, outcome: str = Outcome.ADVICE_ONLY, *, registered: bool = True, **referral_fields):
    """A referral from Riverside General answered with advice; its patient registered here (same NHS
    number, name and date of birth) unless told otherwise."""
    referral = makers.submitted(by, organisation=makers.organisation(), **referral_fields)
    if registered:
        PatientFactory(
            nhs_number=referral.nhs_number, given_name=referral.given_name, family_name=referral.family_name,
            date_of_birth=referral.date_of_birth, gp_name="Dr A. Pritchard", gp_practice="Canton Surgery",
        )  # fmt: skip
    makers.advised(referral, by, outcome)
    return referral.advice.get()


def drafted(advice, user):
    return services.letter_draft_from_advice(advice_id=advice.pk, user=user)


def released(letter, user):
    return services.letter_release(letter_id=letter.pk, user=user, loaded_version=letter.version)


@pytest.mark.parametrize("outcome", sorted(PLAN_IN_ADVICE))
def test_the_draft_explains_the_advice_in_plain_words_what_happens_next_and_who_to_call(mscc, onc, outcome):
    advice = advice_on(mscc, outcome)

    letter = drafted(advice, onc)

    heading, text = OUTCOMES[outcome]
    assert letter.body.startswith("Dear Megan Thomas,")
    assert f"## {heading}" in letter.body and text in letter.body
    assert PRECAUTIONS[Precautions.FLAT_LOG_ROLL][1] in letter.body and STEROIDS[1] in letter.body
    assert "Your team at Riverside General Hospital will look after you" in letter.body
    assert "# Who to contact" in letter.body and "029 2074 0000" in letter.body
    assert "16 mg" not in letter.body  # the referrer's clinical advice is not copied to the patient
    assert (
        letter.advice == advice and letter.decision is None and letter.patient.nhs_number == advice.referral.nhs_number
    )
    assert drafted(advice, onc).pk == letter.pk  # one letter per advice


def test_every_advice_outcome_that_is_the_plan_and_every_precaution_has_plain_words():
    assert set(OUTCOMES) == set(PLAN_IN_ADVICE)
    assert set(PRECAUTIONS) == set(Precautions.values)


def test_advice_to_list_for_the_mdt_gets_its_letter_from_the_mdt_decision_instead(mscc, onc):
    advice = advice_on(mscc, Outcome.LIST_FOR_MDT)

    with pytest.raises(ValidationError, match="written from the MDT's decision"):
        drafted(advice, onc)
    assert not PatientLetter.objects.exists()


@pytest.mark.hazard("HAZ-100")
def test_no_letter_is_drafted_for_a_patient_not_registered_here_or_whose_details_differ(mscc, onc):
    unregistered = advice_on(mscc, registered=False)
    differs = advice_on(mscc, registered=False)
    PatientFactory(
        nhs_number=differs.referral.nhs_number, given_name="Megan", family_name="Jones",
        date_of_birth=differs.referral.date_of_birth,
    )  # fmt: skip

    with pytest.raises(ValidationError, match="No patient with the referral's NHS number is registered here"):
        drafted(unregistered, onc)
    with pytest.raises(ValidationError, match=r"whose details differ.*family name"):
        drafted(differs, onc)
    assert not PatientLetter.objects.exists()


@pytest.mark.hazard("HAZ-102")
def test_release_by_a_clinician_records_who_when_the_address_and_copies_to_the_gp_and_the_referrer(mscc, onc):
    advice = advice_on(mscc)
    letter = drafted(advice, onc)
    needs(letter.patient)

    with pytest.raises(PermissionDenied):
        released(letter, mscc)  # a coordinator writes letters but does not release them
    letter = released(letter, onc)

    assert letter.status == PatientLetter.Status.RELEASED and letter.released_by == onc
    assert letter.released_to.startswith("Megan Thomas\n12 Heol y Felin")
    assert "GP: Dr A. Pritchard, Canton Surgery" in letter.copies_to
    assert "Referrer: Dr Rhian Pugh, Riverside General Hospital" in letter.copies_to
    assert [h.history_type for h in letter.history.order_by("history_date")] == ["+", "~"]
    assert letter.history.first().history_user == onc


@pytest.mark.hazard("HAZ-102")
def test_the_letter_of_advice_that_was_amended_is_not_released(mscc, onc):
    advice = advice_on(mscc)
    letter = drafted(advice, onc)
    needs(letter.patient)
    triage.advice_give(
        referral_id=advice.referral_id, user=mscc, amends_id=advice.pk, reason="Images reviewed again",
        fields={"outcome": Outcome.RADIOTHERAPY_LOCALLY, "advice": "Radiotherapy locally.",
                "precautions": Precautions.NONE_NEEDED, "stability_cleared_by": "", "stability_cleared_at": None,
                "steroid_advice": ""},
    )  # fmt: skip

    with pytest.raises(ValidationError, match="The advice was amended"):
        released(letter, onc)
    letter.refresh_from_db()
    assert letter.status == PatientLetter.Status.DRAFT


@pytest.mark.hazard("HAZ-101")
def test_every_format_of_the_advice_letter_prints_the_safety_box_whatever_the_edit(client, mscc, onc):
    letter = drafted(advice_on(mscc), onc)
    services.letter_edit(
        letter_id=letter.pk, user=onc, body="</section><!-- Dear", print_format="large", loaded_version=letter.version
    )
    client.force_login(onc)

    html = client.get(reverse("letters:html", args=[letter.pk])).content.decode()
    page = client.get(reverse("letters:letter", args=[letter.pk])).content.decode()

    assert html.count("data-safety-net") == 1 and WARNING_SIGN in html and PHONE in html
    assert "Megan Thomas" in html and "Riverside General Hospital" in html  # the copy to the referrer
    assert "advice on referral" in page and reverse("referrals:detail", args=[letter.advice.referral_id]) in page


def test_a_letter_explains_one_thing_a_decision_or_advice_never_both_nor_neither(mscc, onc):
    advice = advice_on(mscc)
    decision = decision_at_meeting(onc)

    for source in ({"decision": decision, "advice": advice}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            PatientLetter.objects.create(patient=decision.case.patient, body="Dear", created_by=onc, **source)


def test_the_referrals_page_offers_the_letter_and_the_letters_list_shows_the_draft(client, mscc, onc):
    advice = advice_on(mscc)
    client.force_login(onc)
    detail = reverse("referrals:detail", args=[advice.referral_id])

    before = client.get(detail).content.decode()
    response = client.post(reverse("letters:advice-start", args=[advice.pk]))
    after = client.get(detail).content.decode()
    listed = client.get(reverse("letters:list")).content.decode()

    letter = PatientLetter.objects.get(advice=advice)
    assert "Letter to the patient" in before and "Write the patient" in before
    assert response.status_code == 302 and response["Location"] == letter.get_absolute_url()
    assert letter.get_absolute_url() in after and "Draft: not yet released" in after
    assert letter.get_absolute_url() in listed and f"advice on referral {advice.referral.reference}" in listed


def test_the_referrals_page_says_why_no_letter_can_be_written_yet(client, mscc, onc):
    advice = advice_on(mscc, registered=False)
    client.force_login(onc)

    page = client.get(reverse("referrals:detail", args=[advice.referral_id])).content.decode()

    assert "NHS number is registered here: register them in the workspace" in page
    assert "Write the patient&#x27;s letter" not in page and "Write the patient's letter" not in page


def test_someone_outside_the_team_cannot_start_an_advice_letter(client, mscc):
    advice = advice_on(mscc)
    client.force_login(read_only_user("aud-advice"))

    assert client.post(reverse("letters:advice-start", args=[advice.pk])).status_code == 403
    assert client.post(reverse("letters:advice-start", args=[99999])).status_code in (403, 404)
    assert not PatientLetter.objects.exists()
