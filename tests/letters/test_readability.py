"""Reading levels: every letter template, every generated letter (from a decision and from advice on a
referral) and the information sheet stay at or below the target in config/patient_letters.toml
(Flesch-Kincaid grade, textstat, pinned)."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from letters import documents, readability
from letters.advice import letter_draft_from_advice
from letters.advice_texts import NEXT, OUTCOMES, PRECAUTIONS, STEROIDS
from letters.plain_texts import FOLLOW_UPS, NO_TREATMENT, TREATMENTS
from mdt.models import FollowUp, Treatment
from referrals.choices import PLAN_IN_ADVICE, Precautions
from tests.letters.makers import decision_at_meeting, letter_for, needs, oncologist

pytestmark = pytest.mark.django_db


def over(text: str) -> float | None:
    score = readability.grade(text)
    return score if score > readability.target().max_grade else None


def test_the_target_is_configuration_with_its_source():
    target = readability.target()

    assert 0 < target.max_grade <= 8
    assert "Please, write to me" in target.source and "reading age" in target.source
    assert target.measure.startswith("Flesch-Kincaid")


def test_a_hard_text_scores_above_the_target_so_the_check_can_fail():
    hard = (
        "Notwithstanding multidisciplinary considerations, stereotactic radiotherapeutic intervention "
        "necessitates optimisation."
    )

    assert over(hard) is not None


@pytest.mark.parametrize("key", [*Treatment.values, "no_treatment"])
def test_each_treatments_plain_text_is_within_the_target(key):
    heading, text = NO_TREATMENT if key == "no_treatment" else TREATMENTS[key]

    assert over(f"# {heading}\n{text}") is None, f"{key} reads at grade {readability.grade(text)}"


def test_the_follow_up_sentences_are_within_the_target():
    assert over(" ".join(f"{text}." for text in FOLLOW_UPS.values())) is None


@pytest.mark.parametrize("treatments", [[key] for key in Treatment.values] + [["cebrt", "steroids", "physio_rehab"]])
def test_every_generated_letter_as_printed_is_within_the_target(settings, treatments):
    settings.MDT_SERVICE_PHONE = "029 2074 0000"
    settings.PATIENT_SAFETY_NET_PHONE = "01632 960123"
    onc = oncologist()
    decision = decision_at_meeting(onc, treatments)
    FollowUp.objects.create(
        case=decision.case,
        decision=decision,
        kind=FollowUp.Kind.REPEAT_MRI,
        due_on=dt.date(2027, 1, 15),
        owner=onc.member,
    )
    needs(decision.case.patient, copy_to_carer=True, carer_name="Rhys Griffiths", carer_address="1 Stryd Fawr")
    letter = letter_for(decision, onc)

    html = render_to_string("letters/_letter_content.html", documents.letter_context(letter, large=False))

    assert over(html) is None, f"{treatments}: grade {readability.grade(html)}"


def test_the_safety_netting_box_is_within_the_target():
    html = render_to_string(
        "letters/_safety_net.html", {"safety_net": {"phone": "01632 960123", "name": "the MSCC coordinator"}}
    )

    assert over(html) is None


@pytest.mark.parametrize("large", [False, True])
def test_the_information_sheet_is_within_the_target(large):
    html = render_to_string("letters/_sheet_content.html", documents.sheet_context(large=large))

    assert over(html) is None, f"grade {readability.grade(html)}"


def test_the_information_sheet_has_a_version_and_a_review_date_after_it_was_written():
    html = render_to_string("letters/_sheet_content.html", documents.sheet_context(large=False))

    assert documents.SHEET_ISSUED < documents.SHEET_REVIEW_BY
    assert f"Version {documents.SHEET_VERSION}" in html and documents.SHEET_REVIEW_BY.strftime("%-d %B %Y") in html


@pytest.mark.parametrize("outcome", sorted(PLAN_IN_ADVICE))
@pytest.mark.parametrize("precautions", Precautions.values)
def test_every_letter_after_advice_as_printed_is_within_the_target(settings, outcome, precautions):
    from referrals.services import triage
    from tests.factories import PatientFactory, coordinator_user
    from tests.referrals import makers

    settings.MDT_SERVICE_PHONE = "029 2074 0000"
    settings.PATIENT_SAFETY_NET_PHONE = "01632 960123"
    mscc = coordinator_user("mscc-read")
    referral = makers.submitted(mscc, organisation=makers.organisation())
    PatientFactory(
        nhs_number=referral.nhs_number, given_name=referral.given_name, family_name=referral.family_name,
        date_of_birth=referral.date_of_birth,
    )  # fmt: skip
    cleared = precautions == Precautions.CLEARED
    advice = triage.advice_give(
        referral_id=referral.pk, user=mscc,
        fields={"outcome": outcome, "advice": "Manage locally.", "precautions": precautions,
                "stability_cleared_by": "Mr S. Evans, spinal surgeon" if cleared else "",
                "stability_cleared_at": timezone.now() - dt.timedelta(hours=1) if cleared else None,
                "steroid_advice": "Dexamethasone as per local protocol."},
    )  # fmt: skip
    letter = letter_draft_from_advice(advice_id=advice.pk, user=oncologist())

    html = render_to_string("letters/_letter_content.html", documents.letter_context(letter, large=False))

    assert over(html) is None, f"{outcome}, {precautions}: grade {readability.grade(html)}"


@pytest.mark.parametrize(
    "text",
    [
        *(f"# {h}\n{t}" for h, t in [*OUTCOMES.values(), *PRECAUTIONS.values(), STEROIDS]),
        NEXT.format(organisation="Riverside General Hospital"),
    ],
)
def test_each_plain_text_for_advice_is_within_the_target(text):
    assert over(text) is None, f"grade {readability.grade(text)}: {text}"
