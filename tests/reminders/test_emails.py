"""Every kind's email: subject, text and HTML, the patient by MRN only, a link back to act on it."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from accounts.roles import assign_role
from cases.choices import Modality, Presentation
from referrals.models import Referral
from reminders import emails
from reminders.kinds import KINDS
from reminders.models import Reminder
from reminders.sweep import derive
from tests.factories import (
    DAY,
    HOUR,
    CaseFactory,
    PatientFactory,
    ScanFactory,
    decision_awaiting,
    follow_up,
    listed_item,
    meeting,
)
from tests.referrals import makers as referral_makers

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 6, 10, 9, 30))
CANARY = {
    "given": "Quillonetta",
    "family": "Zarathustrova",
    "nhs": "9434765919",
    "question": "Canary question about the lytic T7 lesion",
    "report": "Canary report: cord compression at T7",
    "referrer": "Dr Canary at St Elsewhere",
}
SECRETS = [
    CANARY["given"],
    CANARY["family"],
    CANARY["nhs"],
    "943 476 5919",
    "lytic",
    "cord compression",
    "Canary",
    "LOCAL-SECRET-9",  # a referral's hospital number at the referring hospital
]
# A referral is named by its reference: it has no MRN here until it is accepted.
REFERRAL_KINDS = {Reminder.Kind.REFERRAL_NEW, Reminder.Kind.REFERRAL_ACKNOWLEDGEMENT, Reminder.Kind.REFERRAL_ADVICE}


@pytest.fixture
def canary_case(team):
    patient = PatientFactory(
        mrn="MRN-SAFE-1", given_name=CANARY["given"], family_name=CANARY["family"], nhs_number=CANARY["nhs"]
    )
    return CaseFactory(
        patient=patient,
        mdt_question=CANARY["question"],
        referrer=CANARY["referrer"],
        responsible_clinician=team["oncologist"],
        presentation=Presentation.SUSPECTED_MSCC,
    )


@pytest.fixture
def every_kind(team, canary_case, settings):
    """One reminder of every kind about the canary patient (and a meeting for the agenda)."""
    settings.SITE_URL = "https://mdt.example.org"
    with time_machine.travel(NOW, tick=False):
        now = timezone.now()
        case = canary_case
        case.suspected_diagnosis_at = now - 30 * HOUR
        case.steroids_started_at = now - 12 * DAY
        case.decision_to_treat_at = now - 11 * DAY
        case.treatment_modality = "radiotherapy"
        case.treatment_start_at = now - 10 * DAY
        case.save()
        ScanFactory(case=case, requested_at=now - 29 * HOUR)  # requested, not performed
        # A targeted MRI waiting for review: the whole-spine MRI clock is still open.
        ScanFactory(
            case=case,
            modality=Modality.MRI_TARGETED,
            requested_at=now - 80 * HOUR,
            performed_at=now - 75 * HOUR,
            report=CANARY["report"],
        )
        soon = meeting(now + 20 * HOUR)
        listed_item(soon, case=case, question=CANARY["question"])
        past = meeting(now - 30 * HOUR, chair=team["coordinator"].member)
        listed_item(past, case=case, question=CANARY["question"])
        decision_awaiting([team["oncologist"]], now - 30 * HOUR, case=case)
        follow_up(team["oncologist"], timezone.localdate() + dt.timedelta(days=1), case=case)
        follow_up(team["oncologist"], timezone.localdate() - dt.timedelta(days=3), case=case)
        # A referral about the same canary patient, advised on and not triaged by the at-risk point:
        # the coordinators' alert (and its escalation), the referrer's acknowledgement and advice email.
        referral = referral_makers.submitted(
            referral_makers.referrer_user("referrer", referral_makers.organisation()),
            given_name=CANARY["given"],
            family_name=CANARY["family"],
            nhs_number=CANARY["nhs"],
            local_mrn="LOCAL-SECRET-9",
            question=CANARY["question"],
        )
        assign_role(team["mscc"], "mscc_coordinator")  # the coordinator's groups: may give advice
        referral_makers.advised(referral, by=team["mscc"])
        Referral.objects.filter(pk=referral.pk).update(status="new")  # not yet seen: the escalation too
        derive(now + 2 * HOUR)
    return {kind: Reminder.objects.filter(kind=kind).first() for kind in Reminder.Kind.values}


def rendered(reminder: Reminder) -> emails.Rendered:
    return emails.render(Reminder.objects.select_related(*emails.RELATED).get(pk=reminder.pk))


def test_every_kind_is_derived_in_the_fixture(every_kind):
    assert all(every_kind.values()), [kind for kind, reminder in every_kind.items() if reminder is None]


@pytest.mark.hazard("HAZ-025")
@pytest.mark.parametrize("kind", Reminder.Kind.values)
def test_each_email_names_the_patient_by_mrn_only_and_links_back(every_kind, kind):
    reminder = every_kind[kind]
    with time_machine.travel(NOW, tick=False):
        email = rendered(reminder)

    link = "https://mdt.example.org" + KINDS[kind].path(reminder)
    assert email.subject.startswith("[Spinal MDT] ") and "\n" not in email.subject
    assert link in email.text and f'href="{link}"' in email.html
    assert email.html.lstrip().startswith("<!doctype html>")
    if kind in REFERRAL_KINDS:
        reference = reminder.referral.reference
        assert reference in email.subject and reference in email.text and reference in email.html
    else:
        if kind != Reminder.Kind.MEETING_AGENDA:
            assert "MRN-SAFE-1" in email.subject
        assert "MRN-SAFE-1" in email.text and "MRN-SAFE-1" in email.html
    for secret in SECRETS:
        for part in (email.subject, email.text, email.html):
            assert secret.lower() not in part.lower(), f"{kind}: {secret!r} in the email"


def test_the_message_goes_to_the_recipient_with_text_and_html_and_the_outbox_id(every_kind):
    reminder = every_kind[Reminder.Kind.MRI_REVIEW]
    message = emails.message_for(reminder, rendered(reminder))

    assert message.to == [reminder.recipient.email]
    assert message.extra_headers[emails.REMINDER_HEADER] == str(reminder.pk)
    assert message.alternatives[0].mimetype == "text/html"


def test_the_agenda_lists_the_cases_not_yet_ready_by_mrn_with_what_they_lack(every_kind):
    with time_machine.travel(NOW, tick=False):
        email = rendered(every_kind[Reminder.Kind.MEETING_AGENDA])

    assert "(1 case, 1 not ready)" in email.subject
    assert "MRN MRN-SAFE-1: latest MRI not reported" in email.text
    assert "Seminar room 2" in email.text


def test_an_escalated_mri_review_says_who_was_reminded_before(every_kind):
    escalated = Reminder.objects.get(kind=Reminder.Kind.MRI_REVIEW, level=2)
    with time_machine.travel(NOW, tick=False):
        email = rendered(escalated)

    assert "(escalated)" in email.subject
    assert "after reminders to the radiologists and the responsible clinician" in email.text
    assert "not been reviewed after 72 hours" in email.text
