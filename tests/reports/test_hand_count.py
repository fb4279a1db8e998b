"""The report agrees with a hand count over the demo service.

The hand count walks every demo case in Python with cases.clocks.case_clocks (the clocks the case
page shows) and every decision, meeting and outcome, the way an auditor with a spreadsheet would.
The report computes the same numbers in the database. Only the test loops over cases.
"""

import datetime as dt
import math
from collections import Counter

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from cases.choices import AmbulatoryStatus, CaseStatus
from cases.clocks import ClockState, case_clocks
from cases.models import Assessment, Case, Patient
from mdt.models import AgendaItem, Decision, Meeting, Member, Treatment, quorum_of
from reports.periods import Period, QuickRange, quick_range
from tests.factories import local
from tests.reports import report_for

pytestmark = pytest.mark.django_db

NOW = local(2026, 6, 17, 11, 0)  # a Wednesday in BST; the demo's 90 days reach back into March
MEASURE_OF_TARGET = {"mri_whole_spine_24h": "mri_24h", "mri_whole_spine_1w": "mri_plan_1w", "rt_start_24h": "rt_24h"}
RESULT_OF_STATE = {ClockState.MET: "met", ClockState.BREACHED: "breach"}  # running or at risk: pending


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo")
        add_outcomes_and_deaths()
        yield


def add_outcomes_and_deaths() -> None:
    """The demo records no outcomes or deaths yet: record some, as a coordinator would, so those tables count too."""
    treated = list(Case.objects.filter(status__in=[CaseStatus.FOLLOW_UP, CaseStatus.CLOSED]).order_by("pk"))
    afters = ["D", "E", "C", "D", ""]
    walks = [AmbulatoryStatus.WALKS_UNAIDED, AmbulatoryStatus.WALKS_WITH_AID, AmbulatoryStatus.NOT_WALKING]
    for index, case in enumerate(treated):
        case.frankel_after_treatment = afters[index % len(afters)]
        case.ambulatory_after_treatment = walks[index % len(walks)]
        case.outcome_assessed_on = timezone.localdate() - dt.timedelta(days=index % 20)
        case.save()
    decided = Patient.objects.filter(cases__decisions__isnull=False).distinct().order_by("pk")
    for patient in decided[::3]:
        patient.died_on = timezone.localdate() - dt.timedelta(days=1)
        patient.save()


def in_period(moment: dt.datetime | None, period: Period) -> bool:
    return moment is not None and period.first <= timezone.localtime(moment).date() <= period.last


def hand_count(period: Period) -> dict:
    """Every figure of the report, by walking the records in Python."""
    now = timezone.now()
    cases = list(Case.objects.select_related("patient").prefetch_related("scans", "decisions"))
    measures = {key: Counter() for key in MEASURE_OF_TARGET.values()}
    for case in cases:
        for clock in case_clocks(case, now):
            if in_period(clock.started_at, period):
                measures[MEASURE_OF_TARGET[clock.target.key]][RESULT_OF_STATE.get(clock.state, "pending")] += 1

    current = [d for d in Decision.objects.all() if d.status != Decision.Status.SUPERSEDED]
    in_range = [d for d in current if in_period(d.decided_at, period)]
    treatments = Counter(key for d in in_range for key in d.treatments)

    waits = []
    for case in cases:
        first = min((d.decided_at for d in current if d.case_id == case.pk), default=None)
        if in_period(first, period):
            waits.append(first - case.referred_at)
    waits.sort()

    def rank(share: float) -> dt.timedelta | None:
        return waits[math.ceil(share * len(waits)) - 1] if waits else None

    meetings = [
        m
        for m in Meeting.objects.prefetch_related("items", "attendances__member")
        if m.status != Meeting.Status.CANCELLED and m.starts_at <= now and in_period(m.starts_at, period)
    ]
    discussed = [sum(i.status == AgendaItem.Status.DISCUSSED for i in m.items.all()) for m in meetings]
    carried = sum(i.status == AgendaItem.Status.NOT_DISCUSSED for m in meetings for i in m.items.all())
    quorate = [quorum_of(a.member.role for a in m.attendances.all() if a.present).met for m in meetings]

    outcomes = [c for c in cases if c.outcome_assessed_on and period.first <= c.outcome_assessed_on <= period.last]
    frankel = Counter((c.frankel_grade, c.frankel_after_treatment) for c in outcomes)
    walking = Counter((c.ambulatory_status, c.ambulatory_after_treatment) for c in outcomes)

    bands = Counter()
    deaths = Counter()
    for patient in Patient.objects.all():
        if not any(d.case.patient_id == patient.pk for d in in_range):
            continue
        scores = Assessment.objects.filter(
            case__patient=patient, kind="tokuhashi", version="tokuhashi_revised_2005", complete=True
        ).order_by("-assessed_at", "-id")
        band = scores[0].band if scores else "not_scored"
        bands[band] += 1
        deaths[band] += patient.died_on is not None

    return {
        "measures": {key: (c["met"], c["breach"], c["pending"]) for key, c in measures.items()},
        "referrals": sum(in_period(c.referred_at, period) for c in cases),
        "by_presentation": Counter(c.presentation for c in cases if in_period(c.referred_at, period)),
        "decisions": len(in_range),
        "no_treatment": sum(d.no_treatment for d in in_range),
        "treatments": {key: treatments[key] for key in Treatment.values},
        "waits": (len(waits), rank(0.5), rank(0.9)),
        "meetings": (len(meetings), sum(discussed), carried, quorate.count(False)),
        "frankel": {key: n for key, n in frankel.items()},
        "walking": {key: n for key, n in walking.items()},
        "survival": {band: (bands[band], deaths[band]) for band in bands},
    }


def as_reported(period: Period) -> dict:
    report = report_for(period.first, period.last)
    activity = report.activity
    return {
        "measures": {m.key: (m.total.met, m.total.breach, m.total.pending) for m in report.measures},
        "referrals": activity.referrals,
        "by_presentation": Counter({key: n for key, _, n in activity.referrals_by_presentation if n}),
        "decisions": activity.decisions,
        "no_treatment": activity.decisions_no_treatment,
        "treatments": {key: n for key, _, n in activity.by_treatment},
        "waits": (
            activity.referral_to_decision.count,
            activity.referral_to_decision.median,
            activity.referral_to_decision.p90,
        ),
        "meetings": (
            activity.meetings_held,
            activity.cases_discussed,
            activity.carried_forward,
            activity.meetings_without_quorum,
        ),
        "frankel": report.frankel.cells,
        "walking": report.walking.cells,
        "survival": {row.band: (row.patients, row.deaths) for row in report.survival if row.patients},
    }


@pytest.mark.hazard("HAZ-030")
@pytest.mark.parametrize("name", [QuickRange.LAST_12_MONTHS, QuickRange.LAST_QUARTER, QuickRange.THIS_YEAR])
def test_every_figure_agrees_with_a_hand_count_over_the_demo_service(demo, name):
    period = quick_range(name)

    expected = hand_count(period)

    assert as_reported(period) == expected


def test_the_demo_has_something_to_count_in_every_measure_and_table(demo):
    """So that the agreement above is not an agreement about zeros."""
    counted = hand_count(quick_range(QuickRange.LAST_12_MONTHS))

    for key, (met, breach, _) in counted["measures"].items():
        assert met and breach, key
    assert counted["measures"]["mri_plan_1w"][2] or counted["measures"]["mri_24h"][2]  # some pending
    assert counted["decisions"] and counted["waits"][0] and counted["meetings"][3] == 1
    assert counted["frankel"] and counted["walking"] and any(deaths for _, deaths in counted["survival"].values())
    assert Member.objects.exists()
