"""A referral's advice and plan clocks: targets from configuration (local operational settings), working days."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.clocks import ClockState, target
from referrals.clocks import ADVICE, PLAN, advice_clock, plan_clock
from referrals.models import Referral
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def local(*args: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def test_the_targets_are_the_configured_local_settings_with_their_source():
    advice, plan = target(ADVICE), target(PLAN)

    assert (advice.value, advice.unit, plan.value, plan.unit) == (2, "hours", 2, "working_days")
    assert "Local operational setting" in advice.source and "§7.1 T11" in plan.source
    assert plan.description == "2 working days"


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        ((2026, 6, 10, 9, 30), (2026, 6, 12, 9, 30)),  # Wednesday -> Friday
        ((2026, 6, 11, 22, 0), (2026, 6, 15, 22, 0)),  # Thursday night -> Monday night
        ((2026, 6, 12, 2, 0), (2026, 6, 16, 2, 0)),  # Friday 2 a.m. -> Tuesday 2 a.m.
        ((2026, 6, 13, 2, 0), (2026, 6, 17, 0, 0)),  # Saturday: counts from Monday 00:00
        ((2026, 3, 27, 10, 0), (2026, 3, 31, 10, 0)),  # across the spring clock change: local wall time
    ],
)
def test_the_plan_is_due_two_working_days_later_in_local_time(submitted, due):
    referral = Referral(submitted_at=local(*submitted))

    assert plan_clock(referral, now=local(*submitted)).due_at == local(*due)


def test_the_advice_clock_runs_turns_at_risk_at_half_its_time_and_breaches():
    start = local(2026, 6, 10, 2, 0)
    referral = Referral(submitted_at=start)
    referral.first_advice_at = None  # type: ignore[attr-defined]

    states = [advice_clock(referral, now=start + dt.timedelta(minutes=m)).state for m in (59, 60, 120, 121)]

    assert states == [ClockState.RUNNING, ClockState.AT_RISK, ClockState.AT_RISK, ClockState.BREACHED]


def test_the_first_advice_stops_the_advice_clock_met_or_breached():
    start = local(2026, 6, 10, 2, 0)
    met = Referral(submitted_at=start)
    met.first_advice_at = start + dt.timedelta(minutes=90)  # type: ignore[attr-defined]
    late = Referral(submitted_at=start)
    late.first_advice_at = start + dt.timedelta(minutes=150)  # type: ignore[attr-defined]

    assert advice_clock(met, now=start + dt.timedelta(days=1)).state == ClockState.MET
    assert advice_clock(late, now=start + dt.timedelta(days=1)).state == ClockState.BREACHED


def test_the_plan_stops_when_the_case_it_became_has_an_agreed_plan():
    start = timezone.now() - dt.timedelta(days=1)
    case = CaseFactory(treatment_plan_agreed_at=start + dt.timedelta(hours=20))
    referral = Referral(submitted_at=start, case=case)

    clock = plan_clock(referral)

    assert clock.stopped_at == case.treatment_plan_agreed_at
    assert clock.state == ClockState.MET
