"""The referral clocks on the dashboard: every advice or plan clock at risk or breached, neurology first,
then the longest waiting, in a bounded number of queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.clocks import ClockState
from referrals.clocks import ADVICE, PLAN
from referrals.models import Referral
from referrals.selectors import clocks_needing_attention
from referrals.services import accept, triage
from tests.factories import clinician_user, local, read_only_user
from tests.referrals import makers

pytestmark = pytest.mark.django_db

NEURO = ["limb_weakness"]
PAIN_ONLY = ["nocturnal_pain"]


def referral_at(user, submitted_at: dt.datetime, red_flags=NEURO, **fields) -> Referral:
    referral = makers.submitted(user, red_flags=red_flags, **fields)
    Referral.objects.filter(pk=referral.pk).update(submitted_at=submitted_at)
    referral.refresh_from_db()
    return referral


def listed(now: dt.datetime) -> list[tuple[str, str, ClockState]]:
    rows = clocks_needing_attention(now=now)
    return [(late.referral.reference, late.clock.target.key, late.clock.state) for late in rows]


@pytest.mark.hazard("HAZ-140")
def test_a_referral_waiting_for_advice_is_listed_at_risk_then_breached(referrer):
    now = local(2026, 6, 10, 3, 0)  # a Wednesday night
    referral = referral_at(referrer, now - dt.timedelta(minutes=59))
    assert listed(now) == []

    assert listed(now + dt.timedelta(minutes=2)) == [(referral.reference, ADVICE, ClockState.AT_RISK)]
    assert listed(now + dt.timedelta(hours=2)) == [(referral.reference, ADVICE, ClockState.BREACHED)]


@pytest.mark.hazard("HAZ-140")
def test_neurology_comes_first_then_the_longest_waiting(referrer):
    now = local(2026, 6, 10, 3, 0)
    pain_longest = referral_at(referrer, now - dt.timedelta(hours=5), red_flags=PAIN_ONLY)
    neuro_recent = referral_at(referrer, now - dt.timedelta(minutes=90))
    neuro_longer = referral_at(referrer, now - dt.timedelta(hours=3))

    assert [reference for reference, _, _ in listed(now)] == [
        neuro_longer.reference,
        neuro_recent.reference,
        pain_longest.reference,
    ]


@pytest.mark.hazard("HAZ-140")
def test_after_the_advice_the_plan_clock_is_listed_when_it_is_late(referrer, mscc):
    submitted = local(2026, 6, 8, 9, 0)  # Monday: the plan is due Wednesday 09:00, at risk from Tuesday 21:00
    referral = referral_at(referrer, submitted)
    makers.advised(referral, by=mscc)  # list for the MDT: the plan waits for the MDT

    assert listed(local(2026, 6, 9, 20, 59)) == []
    assert listed(local(2026, 6, 9, 21, 0)) == [(referral.reference, PLAN, ClockState.AT_RISK)]
    assert listed(local(2026, 6, 10, 9, 1)) == [(referral.reference, PLAN, ClockState.BREACHED)]


@pytest.mark.hazard("HAZ-140")
def test_accepting_the_referral_does_not_hide_a_plan_still_to_be_agreed(referrer, mscc):
    referral = referral_at(referrer, timezone.now() - dt.timedelta(days=6))
    makers.advised(referral, by=mscc)
    case = accept.referral_accept(referral_id=referral.pk, user=mscc, mrn="RX0001")

    assert listed(timezone.now()) == [(referral.reference, PLAN, ClockState.BREACHED)]

    case.treatment_plan_agreed_at = timezone.now()
    case.save()
    assert listed(timezone.now()) == []


def test_a_plan_in_the_advice_a_declined_referral_and_a_draft_are_not_listed(referrer, mscc):
    long_ago = timezone.now() - dt.timedelta(days=6)
    makers.advised(referral_at(referrer, long_ago), by=mscc, outcome="advice_only")
    declined = referral_at(referrer, long_ago)
    triage.referral_decline(referral_id=declined.pk, user=mscc, reason="Not MSCC.")
    makers.draft(referrer)

    assert listed(timezone.now()) == []


@pytest.mark.hazard("HAZ-140")
def test_the_dashboard_shows_the_late_referrals_to_the_team(client, referrer):
    referral = referral_at(referrer, timezone.now() - dt.timedelta(hours=3))
    client.force_login(clinician_user())

    page = client.get(reverse("dashboard")).content.decode()

    assert "Referrals: advice or plan at risk or breached" in page
    assert referral.reference in page and "Breached" in page
    assert reverse("referrals:detail", args=[referral.pk]) in page


def test_the_dashboard_says_so_when_no_referral_is_late(client):
    client.force_login(read_only_user())
    assert "No referral's advice or plan is at risk or breached." in client.get(reverse("dashboard")).content.decode()


@pytest.mark.parametrize("late", [2, 12])
def test_the_dashboard_lists_late_referrals_in_the_same_number_of_queries_however_many(
    client, referrer, django_assert_num_queries, late
):
    for hours in range(late):
        referral_at(referrer, timezone.now() - dt.timedelta(hours=3 + hours))
    client.force_login(clinician_user())
    client.get(reverse("dashboard"))  # the session's navbar answers are kept from the first page

    # As tests/mdt/test_dashboard.py counts, plus one: the late referrals with their organisation,
    # case and first advice time.
    with django_assert_num_queries(13):
        response = client.get(reverse("dashboard"))

    assert len(response.context["referral_clocks"]) == late
