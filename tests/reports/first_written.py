"""The activity and survival figures as they were counted before their closed months were stored: each one
query (or three) over every case of the period, kept here as the reference the stored months must equal."""

import datetime as dt
import math

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce, TruncDate

from cases import scoring
from cases.choices import Presentation
from cases.models import Assessment, Case
from cases.models.assessments import ScoreKind
from core.timezones import local_zone
from mdt.models import Decision, Treatment
from reports import outcomes
from reports.activity import Percentiles


def survival(*, period, filters, today):
    """The survival table by the one grouped query it was counted with before its months were stored."""
    zone = local_zone()
    current = Decision.objects.current()
    patient = OuterRef("case__patient")
    earlier = current.filter(case__patient=patient).filter(
        Q(decided_at__lt=OuterRef("decided_at")) | Q(decided_at=OuterRef("decided_at"), pk__lt=OuterRef("pk"))
    )
    in_period = current.filter(
        filters.cases("case__"),
        case__patient=patient,
        decided_at__gte=period.starts_at,
        decided_at__lt=period.ends_before,
    )
    tokuhashi = (
        Assessment.objects.filter(
            case__patient=patient, kind=ScoreKind.TOKUHASHI, version=scoring.TOKUHASHI_REVISED.version, complete=True
        )
        .order_by("-assessed_at", "-id")
        .values("band")[:1]
    )
    died = "case__patient__died_on"
    followed = {months: today - dt.timedelta(days=days) for months, days in ((6, 183), (12, 365))}
    lived = {months: dt.timedelta(days=days) for months, days in ((6, 183), (12, 365))}
    rows = (
        current.filter(~Exists(earlier), Exists(in_period))
        .annotate(
            first_decided_on=TruncDate("decided_at", tzinfo=zone),
            band_key=Coalesce(Subquery(tokuhashi), Value(outcomes.NOT_SCORED)),
        )
        .annotate(survived=ExpressionWrapper(F(died) - F("first_decided_on"), output_field=DurationField()))
        .order_by()
        .values("band_key")
        .annotate(
            patients=Count("pk"),
            deaths=Count("pk", filter=Q(**{f"{died}__isnull": False})),
            **{
                f"{name}_{months}": Count(
                    "pk",
                    filter=Q(first_decided_on__lte=followed[months])
                    & (Q() if name == "followed" else Q(**{f"{died}__isnull": True}) | Q(survived__gte=lived[months])),
                )
                for months in (6, 12)
                for name in ("followed", "alive")
            },
        )
    )
    return outcomes._by_band({row["band_key"]: dict(row) for row in rows})


def waits(*, period, filters):
    """Referral to first decision by the nearest-rank queries it was counted with before its months were stored."""
    first = Subquery(
        Decision.objects.current().filter(case=OuterRef("pk")).order_by("decided_at").values("decided_at")[:1]
    )
    in_period = Decision.objects.current().filter(
        case=OuterRef("pk"), decided_at__gte=period.starts_at, decided_at__lt=period.ends_before
    )
    waits = (
        Case.objects.filter(filters.cases(), Exists(in_period))
        .annotate(first_decided=first)
        .filter(first_decided__gte=period.starts_at, first_decided__lt=period.ends_before)
        .annotate(wait=ExpressionWrapper(F("first_decided") - F("referred_at"), output_field=DurationField()))
        .order_by("wait", "pk")
    )
    count = waits.count()

    def nearest_rank(share):
        if not count:
            return None
        offset = math.ceil(share * count) - 1
        return waits.values_list("wait", flat=True)[offset : offset + 1].get()

    return Percentiles(count=count, median=nearest_rank(0.5), p90=nearest_rank(0.9))


def referrals(*, period, filters):
    counts = Case.objects.filter(
        filters.cases(), referred_at__gte=period.starts_at, referred_at__lt=period.ends_before
    ).aggregate(
        total=Count("pk"),
        **{key: Count("pk", filter=Q(presentation=key)) for key in Presentation.values},
    )
    return counts["total"], [(key, label, counts[key]) for key, label in Presentation.choices]


def decisions(*, period, filters):
    counts = (
        Decision.objects.current()
        .filter(filters.cases("case__"), decided_at__gte=period.starts_at, decided_at__lt=period.ends_before)
        .annotate(treatment_text=Cast("treatments", TextField()))
        .aggregate(
            total=Count("pk"),
            no_treatment=Count("pk", filter=Q(no_treatment=True)),
            **{key: Count("pk", filter=Q(treatment_text__contains=f'"{key}"')) for key in Treatment.values},
        )
    )
    return counts["total"], counts["no_treatment"], [(key, label, counts[key]) for key, label in Treatment.choices]
