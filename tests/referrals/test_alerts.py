"""On submit: the MSCC coordinators' alert and the referrer's acknowledgement, through the reminder outbox
(exactly once), the escalation when nobody has started triage, and the advice email. No patient identifier
leaves the app in any of them."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from referrals.services import drafts, triage
from reminders.models import Reminder
from reminders.sweep import cancel_resolved, derive, sweep
from tests.factories import team_user
from tests.referrals import makers

pytestmark = pytest.mark.django_db

NEW, ACK, ADVICE = Reminder.Kind.REFERRAL_NEW, Reminder.Kind.REFERRAL_ACKNOWLEDGEMENT, Reminder.Kind.REFERRAL_ADVICE


def kinds() -> list[tuple[str, str, int]]:
    return sorted(Reminder.objects.values_list("kind", "recipient__username", "level"))


@pytest.mark.hazard("HAZ-038")
def test_a_submitted_referral_alerts_the_mscc_coordinators_and_acknowledges_the_referrer_once(referrer, mscc):
    second_mscc = team_user("mscc2", "mscc_coordinator")
    referral = makers.submitted(referrer)
    makers.draft(referrer)  # a draft alerts nobody

    derive(timezone.now())
    derive(timezone.now())  # a second sweep creates nothing new

    assert kinds() == sorted([(ACK, "rpugh", 0), (NEW, "mscc", 0), (NEW, second_mscc.username, 0)])
    assert set(Reminder.objects.values_list("referral_id", flat=True)) == {referral.pk}
    assert Reminder.objects.get(kind=NEW, recipient=mscc).due_at == referral.submitted_at


@pytest.mark.hazard("HAZ-038")
def test_with_no_mscc_coordinator_the_mdt_coordinators_are_alerted(referrer, coordinator):
    makers.submitted(referrer)

    derive(timezone.now())

    assert (NEW, "coord", 0) in kinds()


@pytest.mark.hazard("HAZ-038")
def test_a_referral_nobody_has_started_to_triage_is_escalated_at_the_advice_clocks_at_risk_point(
    referrer, mscc, coordinator
):
    referral = makers.submitted(referrer)
    derive(referral.submitted_at + dt.timedelta(minutes=59))
    assert (NEW, "coord", 1) not in kinds()

    derive(referral.submitted_at + dt.timedelta(minutes=61))

    assert {(NEW, "mscc", 1), (NEW, "coord", 1)} <= set(kinds())


def test_starting_triage_ends_the_alerts_not_yet_sent(referrer, mscc):
    referral = makers.submitted(referrer)
    derive(timezone.now())

    triage.referral_take(referral_id=referral.pk, user=mscc)
    cancel_resolved(timezone.now())

    assert Reminder.objects.get(kind=NEW).status == Reminder.Status.CANCELLED
    assert Reminder.objects.get(kind=ACK).status == Reminder.Status.PENDING  # the referrer is still told


@pytest.mark.hazard("HAZ-025")
def test_the_emails_go_once_and_name_the_referral_by_reference_only(
    referrer, mscc, eager, django_capture_on_commit_callbacks
):
    referral = makers.submitted(referrer)
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    makers.advised(referral, by=mscc)
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    with django_capture_on_commit_callbacks(execute=True):
        sweep()

    sent = {(m.to[0], m.subject) for m in mail.outbox}
    assert len(mail.outbox) == 3
    assert {to for to, _ in sent} == {"rpugh@nhs.net", "mscc@example.org"}
    assert any("received" in subject and referral.reference in subject for _, subject in sent)
    assert any(subject.startswith("[Spinal MDT] Advice on MSCC referral") for _, subject in sent)
    for message in mail.outbox:
        text = message.subject + message.body + message.alternatives[0][0]
        for identifier in (referral.nhs_number, "Thomas", "Megan", referral.local_mrn, "1958", "T10"):
            assert identifier not in text, identifier


def test_a_phone_referral_with_no_email_given_acknowledges_nobody_by_email(coordinator, org, mscc, client):
    referral = makers.submitted(coordinator, organisation=org, referrer_email="")

    derive(timezone.now())

    assert [k for k, _, _ in kinds()] == [NEW]
    client.force_login(mscc)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "No acknowledgement is emailed: the caller gave no email address." in page


@pytest.mark.hazard("HAZ-025")
def test_a_phone_referral_acknowledges_the_work_email_given_once_with_the_reference_and_a_link_only(
    coordinator, org, mscc, eager, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://mdt.example.nhs.uk"
    referral = makers.submitted(coordinator, organisation=org, referrer_email="owen.jones@nhs.net")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            sweep()

    [ack] = [m for m in mail.outbox if m.to == ["owen.jones@nhs.net"]]
    assert Reminder.objects.get(kind=ACK).recipient is None
    assert ack.subject == f"[Spinal MDT] MSCC referral {referral.reference} received"
    text = ack.body + ack.alternatives[0][0]
    assert "Dear colleague" in ack.body and "taken by phone" in ack.body
    assert re.findall(r"https?://\S+", ack.body) == ["https://mdt.example.nhs.uk/refer/sign-up/"]
    for identifier in (referral.nhs_number, "Thomas", "Megan", referral.local_mrn, "1958", "T10", "Pugh"):
        assert identifier not in text, identifier


def test_a_phone_referral_refuses_an_email_outside_the_allowed_domains_at_its_field(coordinator, org):
    referral = makers.draft(coordinator, organisation=org, referrer_email="")
    referral.referrer_email = "owen@gmail.com"

    with pytest.raises(ValidationError) as caught:
        drafts.referral_save(referral=referral, user=coordinator)

    [message] = caught.value.message_dict["referrer_email"]
    assert "work address only (ending @nhs.net)" in message and "leave this blank" in message


@pytest.mark.hazard("HAZ-025")
def test_no_acknowledgement_goes_to_an_address_no_longer_on_the_allowed_domains(coordinator, org, mscc, settings):
    makers.submitted(coordinator, organisation=org, referrer_email="owen.jones@nhs.net")
    settings.REFERRER_EMAIL_DOMAINS = ["nhs.uk"]

    derive(timezone.now())

    assert [k for k, _, _ in kinds()] == [NEW]


def test_a_reminder_goes_to_an_account_or_an_email_address_never_to_nobody(referrer):
    referral = makers.submitted(referrer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(kind=ACK, due_at=timezone.now(), dedupe_key="x", referral=referral)
