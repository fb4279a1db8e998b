"""The front door in the service audit: referrals by referring organisation and month, time to advice
and to a confirmed plan against the configured targets, what referrals leave out, and how many reach
the MDT.

The cohort is the referrals submitted in the period (local dates, both ends included). A clock is met
or breached once stopped (or once overdue); one still running and not yet due is pending and left out of
the share, as the NICE measures do. Counted in Python over one query of the cohort: a regional service
receives hundreds of referrals a year, not millions.
"""

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils import timezone

from cases.clocks import ClockState, target
from mdt.models import AgendaItem
from referrals.choices import Status
from referrals.clocks import ADVICE, PLAN, ReferralClock, advice_clock, plan_clock
from referrals.completeness import GAP_LABELS
from referrals.models import Referral
from referrals.selectors import with_first_advice
from reports.periods import Period


@dataclass
class ClockMeasure:
    label: str
    target: str
    source: str
    met: int = 0
    breached: int = 0
    pending: int = 0
    times: list[dt.timedelta] = field(default_factory=list)

    @property
    def share(self) -> float | None:
        done = self.met + self.breached
        return 100 * self.met / done if done else None

    @property
    def median(self) -> dt.timedelta | None:
        if not self.times:
            return None
        return dt.timedelta(seconds=statistics.median(t.total_seconds() for t in self.times))

    def add(self, clock: ReferralClock) -> None:
        state = clock.state
        if state == ClockState.MET:
            self.met += 1
        elif state == ClockState.BREACHED:
            self.breached += 1
        else:
            self.pending += 1
        if clock.stopped_at is not None and clock.elapsed is not None:
            self.times.append(clock.elapsed)


@dataclass
class ReferralReport:
    period: Period
    total: int
    by_organisation: list[tuple[str, list[int], int]]  # name, a count per month, the total
    months: list[dt.date]
    advice: ClockMeasure
    plan: ClockMeasure
    gaps: list[tuple[str, int]]  # most missing first
    complete: int
    accepted: int
    declined: int
    discussed: int


def referral_report(*, period: Period, now: dt.datetime | None = None) -> ReferralReport:
    """One query: the cohort with its organisation, case, first advice time and whether its case was discussed."""
    now = now or timezone.now()
    discussed = AgendaItem.objects.filter(case_id=OuterRef("case_id"), status=AgendaItem.Status.DISCUSSED)
    cohort = list(
        with_first_advice(
            Referral.objects.submitted().filter(submitted_at__gte=period.starts_at, submitted_at__lt=period.ends_before)
        )
        .select_related("organisation", "case")
        .annotate(discussed=Exists(discussed))
        .order_by("submitted_at")
    )
    months = period.months
    per_org: dict[str, Counter[dt.date]] = {}
    advice = advice_measure()
    plan = plan_measure()
    gaps: Counter[str] = Counter()
    for referral in cohort:
        assert referral.submitted_at is not None
        month = timezone.localtime(referral.submitted_at).date().replace(day=1)
        per_org.setdefault(referral.organisation.name, Counter())[month] += 1
        advice.add(advice_clock(referral, now))
        plan.add(plan_clock(referral, now))
        gaps.update(referral.gaps_at_submission)
    return ReferralReport(
        period=period,
        total=len(cohort),
        by_organisation=[
            (name, [counts[m] for m in months], sum(counts.values())) for name, counts in sorted(per_org.items())
        ],
        months=months,
        advice=advice,
        plan=plan,
        gaps=[(GAP_LABELS.get(key, key), n) for key, n in gaps.most_common()],
        complete=sum(1 for r in cohort if not r.gaps_at_submission),
        accepted=sum(1 for r in cohort if r.status == Status.ACCEPTED),
        declined=sum(1 for r in cohort if r.status == Status.DECLINED),
        discussed=sum(1 for r in cohort if r.status == Status.ACCEPTED and getattr(r, "discussed", False)),
    )


def advice_measure() -> ClockMeasure:
    advice = target(ADVICE)
    return ClockMeasure("First advice to the referrer", advice.description, advice.source)


def plan_measure() -> ClockMeasure:
    plan = target(PLAN)
    return ClockMeasure("Management plan confirmed", plan.description, plan.source)
