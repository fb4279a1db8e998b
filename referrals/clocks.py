"""A referral's two clocks: time to first advice, and time to a confirmed plan.

Both start when the referral is submitted. Their targets are local operational settings in
config/clinical_targets.toml (`tertiary_opinion_2h`, `plan_confirmed_2wd`), read through
cases.clocks, whose `state_of` decides met, running, at risk or breached for every clock.

- Advice stops at the first advice given (amendments do not restart it).
- The plan stops when it is confirmed: by advice whose outcome is itself the plan (advice only,
  radiotherapy locally, not MSCC), by declining the referral, or when the case it became has an
  agreed treatment plan (the MDT's decision): whichever came first.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from cases.clocks import STATE_LABELS, ClockState, Target, state_of, target
from referrals.models import Referral

ADVICE = "tertiary_opinion_2h"
PLAN = "plan_confirmed_2wd"


@dataclass(frozen=True)
class ReferralClock:
    target: Target
    started_at: dt.datetime | None
    stopped_at: dt.datetime | None
    now: dt.datetime

    @property
    def state(self) -> ClockState:
        return state_of(self.target, self.started_at, self.stopped_at, self.now)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def due_at(self) -> dt.datetime | None:
        return self.target.due(self.started_at) if self.started_at else None

    @property
    def elapsed(self) -> dt.timedelta | None:
        if self.started_at is None:
            return None
        return (self.stopped_at or self.now) - self.started_at

    @property
    def remaining(self) -> dt.timedelta | None:
        """Time left (negative once overdue) while the clock runs; None once stopped."""
        due = self.due_at
        if due is None or self.stopped_at is not None:
            return None
        return due - self.now

    @property
    def needs_attention(self) -> bool:
        return self.state in (ClockState.AT_RISK, ClockState.BREACHED) and self.stopped_at is None


def earliest_at_risk(target: Target) -> dt.timedelta:
    """No clock on `target` is at risk sooner than this after its start (a bound for the database to
    filter with; cases.clocks.state_of then decides exactly). A target in hours is exact; a day (a
    working day, a bank holiday skipped, only adds to it) is at least 23 hours, on the spring change."""
    if target.unit == "hours":
        return dt.timedelta(hours=target.value) * target.at_risk_fraction
    return dt.timedelta(hours=23 * target.value) * target.at_risk_fraction


def first_advice_at(referral: Referral) -> dt.datetime | None:
    """From the inbox's annotation when present, else from the (prefetched) advice rows."""
    annotated = getattr(referral, "first_advice_at", None)
    if annotated is not None or hasattr(referral, "first_advice_at"):
        return annotated
    return min((advice.given_at for advice in referral.advice.all()), default=None)


def plan_stopped_at(referral: Referral) -> dt.datetime | None:
    times = [referral.plan_confirmed_at, referral.declined_at]
    case = referral.case if referral.case_id else None
    if case is not None and case.treatment_plan_agreed_at and referral.submitted_at:
        times.append(max(case.treatment_plan_agreed_at, referral.submitted_at))
    return min((t for t in times if t is not None), default=None)


def advice_clock(referral: Referral, now: dt.datetime | None = None) -> ReferralClock:
    return ReferralClock(target(ADVICE), referral.submitted_at, first_advice_at(referral), now or timezone.now())


def plan_clock(referral: Referral, now: dt.datetime | None = None) -> ReferralClock:
    return ReferralClock(target(PLAN), referral.submitted_at, plan_stopped_at(referral), now or timezone.now())


def referral_clocks(referral: Referral, now: dt.datetime | None = None) -> list[ReferralClock]:
    now = now or timezone.now()
    return [advice_clock(referral, now), plan_clock(referral, now)]
