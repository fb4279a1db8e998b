"""The MSCC coordinator on duty: a new referral alerts the coordinators on the rota at the time, exactly
once; with nobody on duty (or only people who have left) every MSCC coordinator, so never nobody."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from referrals.models import DutyShift
from reminders.models import Reminder
from reminders.sweep import derive
from tests.factories import clinician_user, team_user
from tests.referrals import makers

pytestmark = pytest.mark.django_db

NEW = Reminder.Kind.REFERRAL_NEW
HOUR = dt.timedelta(hours=1)


def shift(user, starts_at: dt.datetime, ends_at: dt.datetime) -> DutyShift:
    duty = DutyShift(coordinator=user, starts_at=starts_at, ends_at=ends_at)
    duty.full_clean()
    duty.save()
    return duty


def alerted(level: int = 0) -> list[str]:
    rows = Reminder.objects.filter(kind=NEW, level=level)
    return sorted(rows.values_list("recipient__username", flat=True))


@pytest.fixture
def night(db):
    """Two MSCC coordinators; only one is on duty tonight."""
    now = timezone.now()
    on_call = team_user("onduty", "mscc_coordinator")
    team_user("dayshift", "mscc_coordinator")
    shift(on_call, now - 4 * HOUR, now + 8 * HOUR)
    return on_call


@pytest.mark.hazard("HAZ-141")
def test_a_new_referral_alerts_only_the_coordinator_on_duty(referrer, night):
    makers.submitted(referrer)

    derive(timezone.now())

    assert alerted() == ["onduty"]


@pytest.mark.hazard("HAZ-141")
def test_with_nobody_on_duty_every_mscc_coordinator_is_alerted(referrer, night):
    DutyShift.objects.update(ends_at=timezone.now() - HOUR, starts_at=timezone.now() - 2 * HOUR)
    makers.submitted(referrer)

    derive(timezone.now())

    assert alerted() == ["dayshift", "onduty"]


@pytest.mark.hazard("HAZ-141")
@pytest.mark.parametrize("left", ["account", "role"])
def test_a_coordinator_on_the_rota_who_has_left_is_not_relied_on(referrer, night, left):
    if left == "account":
        night.is_active = False
        night.save()
    else:
        night.member.active = False
        night.member.save()
    makers.submitted(referrer)

    derive(timezone.now())

    assert alerted() == ["dayshift"]  # every active MSCC coordinator: never nobody


@pytest.mark.hazard("HAZ-141")
def test_the_alert_goes_once_even_when_the_rota_changes_after_it(referrer, night):
    makers.submitted(referrer)
    derive(timezone.now())
    DutyShift.objects.all().delete()
    shift(team_user("next", "mscc_coordinator"), timezone.now() - HOUR, timezone.now() + HOUR)

    derive(timezone.now() + dt.timedelta(minutes=5))

    assert alerted() == ["onduty"]


def test_the_escalation_still_goes_to_every_coordinator(referrer, night, coordinator):
    referral = makers.submitted(referrer)

    derive(referral.submitted_at + dt.timedelta(minutes=61))

    assert alerted(level=1) == ["coord", "dayshift", "onduty"]


@pytest.mark.hazard("HAZ-141")
def test_only_an_active_coordinator_can_be_put_on_duty_and_a_shift_ends_after_it_starts(db):
    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        shift(clinician_user(), now, now + HOUR)
    assert "Only an active MSCC or MDT coordinator" in str(caught.value.message_dict["coordinator"])

    with pytest.raises(ValidationError) as caught:
        shift(team_user("coord2", "mdt_coordinator"), now, now - HOUR)
    assert caught.value.message_dict["ends_at"] == ["A shift ends after it starts."]


def test_the_rota_is_edited_in_the_workspace_with_its_history(client, night):
    coordinator = team_user("lead", "mdt_coordinator")
    client.force_login(coordinator)
    duty = DutyShift.objects.get()
    form = {
        "coordinator": night.pk,
        "starts_at_0": timezone.localtime(duty.starts_at).strftime("%d/%m/%Y"),
        "starts_at_1": timezone.localtime(duty.starts_at).strftime("%H:%M:%S"),
        "ends_at_0": timezone.localtime(duty.starts_at).strftime("%d/%m/%Y"),
        "ends_at_1": timezone.localtime(duty.starts_at - HOUR).strftime("%H:%M:%S"),
        "note": "Swapped with Tom",
        "loaded_version": duty.version,  # the version the form was opened at
    }

    refused = client.post(reverse("admin:referrals_dutyshift_change", args=[duty.pk]), form)
    assert "A shift ends after it starts." in refused.content.decode()

    form["ends_at_0"] = timezone.localtime(duty.ends_at + HOUR).strftime("%d/%m/%Y")
    form["ends_at_1"] = timezone.localtime(duty.ends_at + HOUR).strftime("%H:%M:%S")
    saved = client.post(reverse("admin:referrals_dutyshift_change", args=[duty.pk]), form)
    assert saved.status_code == 302
    latest = duty.history.latest()
    assert latest.note == "Swapped with Tom" and latest.history_user == coordinator


def test_the_inbox_says_who_is_on_duty_or_that_nobody_is(client, night, mscc):
    client.force_login(mscc)
    assert "On duty for new referrals:" in client.get(reverse("referrals:inbox")).content.decode()

    DutyShift.objects.all().delete()
    page = client.get(reverse("referrals:inbox")).content.decode()
    assert "Nobody is on duty:" in page and "new referrals alert every MSCC coordinator" in page
