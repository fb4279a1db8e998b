"""Reads for the referral pages: the triage inbox, a referrer's list, one referral with what it shows."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from accounts.policy import can_see_referrals, is_referrer
from cases.choices import NEURO_RED_FLAG_KEYS
from cases.clocks import target
from mdt.models import Decision
from referrals.choices import OPEN_STATUSES, Status
from referrals.clocks import ADVICE, PLAN, ReferralClock, advice_clock, earliest_at_risk, plan_clock
from referrals.models import Advice, DutyShift, Referral


def _neuro_q() -> Q:
    """Any neurological red flag (a JSON list), in SQL: `red_flags` contains the key as a quoted string."""
    q = Q()
    for key in NEURO_RED_FLAG_KEYS:
        q |= Q(red_flags__icontains=f'"{key}"')
    return q


def with_first_advice(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    return queryset.annotate(first_advice_at=Min("advice__given_at"))


@dataclass
class InboxRow:
    referral: Referral
    advice: ReferralClock
    plan: ReferralClock


def inbox(*, status: str = "", now: dt.datetime | None = None, limit: int = 200) -> list[InboxRow]:
    """Submitted referrals by status (open ones by default): neurology first, then the longest waiting.

    One query (the organisation joined, the first advice time and the case's plan time in it).
    """
    now = now or timezone.now()
    statuses = [status] if status in Status.values and status != Status.DRAFT else list(OPEN_STATUSES)
    rows = (
        with_first_advice(Referral.objects.filter(status__in=statuses))
        .select_related("organisation", "case")
        .annotate(neuro=SqlCase(When(_neuro_q(), then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("neuro", "submitted_at", "id")[:limit]
    )
    return [InboxRow(r, advice_clock(r, now), plan_clock(r, now)) for r in rows]


@dataclass
class LateClock:
    referral: Referral
    clock: ReferralClock


# The dashboard's list; a service with more late referrals than this has them all on the triage inbox.
ATTENTION_SIZE = 25
# Referrals read to find them: open referrals are a few dozen at most, so this is every one in practice.
ATTENTION_CANDIDATES = 200


def clocks_needing_attention(*, now: dt.datetime | None = None, limit: int = ATTENTION_SIZE) -> list[LateClock]:
    """Referral clocks still running and at risk or breached, for the dashboard: neurology first, then
    the longest waiting (the advice clock before the plan clock of the same referral). One query.

    A clock runs until it stops (referrals.clocks); a declined referral has had the service's answer
    and is left off. The database keeps the referrals whose clock may be late (started at least the
    target's earliest at-risk time ago); the clocks then decide each state exactly.
    """
    now = now or timezone.now()
    advised = Advice.objects.filter(referral=OuterRef("pk"))
    advice_open = ~Exists(advised) & Q(submitted_at__lte=now - earliest_at_risk(target(ADVICE)))
    plan_open = Q(
        plan_confirmed_at__isnull=True,
        declined_at__isnull=True,
        submitted_at__lte=now - earliest_at_risk(target(PLAN)),
    ) & (Q(case__isnull=True) | Q(case__treatment_plan_agreed_at__isnull=True))
    rows = (
        with_first_advice(Referral.objects.submitted().exclude(status=Status.DECLINED).filter(advice_open | plan_open))
        .select_related("organisation", "case")
        .annotate(neuro=SqlCase(When(_neuro_q(), then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("neuro", "submitted_at", "id")[:ATTENTION_CANDIDATES]
    )
    late = [
        LateClock(referral, clock)
        for referral in rows
        for clock in (advice_clock(referral, now), plan_clock(referral, now))
        if clock.needs_attention
    ]
    return late[:limit]


def inbox_counts() -> dict[str, int]:
    """Submitted referrals by status, in one grouped query (the inbox's tabs)."""
    counts = {value: 0 for value in Status.values if value != Status.DRAFT}
    for status, n in Referral.objects.submitted().values_list("status").order_by().annotate(n=Count("id")):
        counts[status] = n
    return counts


def for_referrer(user: Any) -> QuerySet[Referral]:
    """The referrals a referrer may see: their organisation's, and nothing else."""
    return Referral.objects.filter(organisation_id=user.referrer.organisation_id)


def visible_to(user: Any) -> QuerySet[Referral]:
    """Every referral for the service's team and auditors; a referrer's organisation's for a referrer."""
    if is_referrer(user):
        return for_referrer(user)
    if can_see_referrals(user):
        return Referral.objects.all()
    return Referral.objects.none()


def referral_for(user: Any, referral_id: int) -> Referral:
    """One referral with its advice and messages, or 404 if the user may not see it."""
    queryset = (
        visible_to(user)
        .select_related("organisation", "referrer", "entered_by", "triaged_by", "case__patient")
        .prefetch_related(
            Prefetch("advice", queryset=Advice.objects.select_related("given_by").order_by("given_at", "id")),
            "messages__author",
        )
    )
    referral = queryset.filter(pk=referral_id).first()
    if referral is None:
        raise Http404("No such referral.")
    return referral


def outcome_decisions(referral: Referral) -> list[Decision]:
    """The MDT's signed decisions on the case the referral became: the referrer's outcome letters."""
    if not referral.case_id:
        return []
    return list(
        Decision.objects.filter(case_id=referral.case_id, status=Decision.Status.SIGNED).order_by("decided_at", "id")
    )


def on_duty(now: dt.datetime | None = None) -> list[DutyShift]:
    """The coordinators on duty now (the rota), earliest ending first; empty: nobody is."""
    now = now or timezone.now()
    return list(DutyShift.objects.on_duty(now).select_related("coordinator").order_by("ends_at", "id"))
