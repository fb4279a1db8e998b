"""A decision whose named signer left the team before signing: the sign-off reminder, which the signer can no
longer act on, goes to the MDT coordinators, saying who left and what to do; once another clinician is named
in their place, the coordinators' reminder lapses and the clinician named is reminded in turn (HAZ-175)."""

import pytest
from django.core import mail
from django.utils import timezone

from accounts.roles import assign_role
from mdt.models import Member, SignOff
from mdt.services.signoffs import signoff_replace
from reminders.models import Reminder
from reminders.sweep import cancel_resolved, derive, sweep
from tests.factories import HOUR, decision_awaiting
from tests.reminders.conftest import team_member

pytestmark = [pytest.mark.django_db, pytest.mark.hazard("HAZ-175")]

SIGN_OFF = Reminder.Kind.DECISION_NOT_SIGNED


def to_whom() -> set[tuple[str, str]]:
    return set(Reminder.objects.filter(kind=SIGN_OFF).values_list("recipient__username", "status"))


@pytest.fixture
def waiting(team, settings):
    """A treatment decision 25 hours old awaiting the oncologist and a spinal surgeon; the oncologist has since
    left."""
    settings.REMINDER_SIGNOFF_HOURS = 24
    team["surgeon"] = team_member("surg", Member.Role.SPINAL_SURGEON)
    decision = decision_awaiting([team["oncologist"], team["surgeon"]], timezone.now() - 25 * HOUR)
    Member.objects.filter(user=team["oncologist"]).update(active=False)
    return decision


def test_the_reminder_of_a_signer_who_left_goes_to_the_mdt_coordinators_once(team, waiting):
    derive(timezone.now())
    derive(timezone.now())

    assert {(u, s) for u, s in to_whom()} == {("coord", "pending"), ("surg", "pending")}
    passed_on = Reminder.objects.get(kind=SIGN_OFF, recipient=team["coordinator"])
    assert passed_on.sign_off.member.user == team["oncologist"] and passed_on.last_resort_for == ""


def test_a_signer_whose_account_was_deactivated_is_passed_on_too(team, waiting):
    Member.objects.filter(user=team["oncologist"]).update(active=True)
    team["oncologist"].is_active = False
    team["oncologist"].save()

    derive(timezone.now())

    assert ("coord", "pending") in to_whom() and ("onc", "pending") not in to_whom()


def test_a_signer_reminded_before_leaving_is_still_passed_on_to_the_coordinators(team, waiting):
    Member.objects.filter(user=team["oncologist"]).update(active=True)
    derive(timezone.now())  # the oncologist is reminded while still in the team
    Member.objects.filter(user=team["oncologist"]).update(active=False)

    derive(timezone.now())

    assert {"onc", "coord"} <= {u for u, _ in to_whom()}


def test_the_email_names_who_left_and_asks_for_another_signer(team, waiting, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sweep()

    [email] = [m for m in mail.outbox if team["coordinator"].email in m.to]
    assert (
        email.subject == f"[Spinal MDT] Decision waiting for a signer who left the team: MRN {waiting.case.patient.mrn}"
    )
    assert f"names {team['oncologist'].get_full_name() or 'onc'} to sign, who has left the team" in email.body
    assert "name who signs instead" in email.body.lower()
    assert f"/decisions/{waiting.pk}/" in email.body
    [own] = [m for m in mail.outbox if team["surgeon"].email in m.to]  # the one still in the team: as before
    assert "waiting for your sign-off" in own.body


def test_naming_another_signer_ends_the_coordinators_reminder_and_the_new_signer_is_reminded(team, waiting):
    derive(timezone.now())
    deputy = team_member("onc2", Member.Role.ONCOLOGIST)
    assign_role(team["coordinator"], Member.Role.MDT_COORDINATOR)  # the groups that let them record decisions
    leaver = SignOff.objects.get(decision=waiting, member__user=team["oncologist"])

    signoff_replace(
        decision_id=waiting.pk,
        signoff_id=leaver.pk,
        member_id=deputy.member.pk,
        user=team["coordinator"],
        loaded_version=waiting.version,
    )
    assert cancel_resolved(timezone.now()) == 1  # the coordinators' reminder: nothing left for them to do
    derive(timezone.now())

    assert Reminder.objects.get(kind=SIGN_OFF, recipient=deputy, status=Reminder.Status.PENDING)
    assert not Reminder.objects.filter(kind=SIGN_OFF, recipient=team["coordinator"], status="pending").exists()
