"""Activity (referrals, meetings, decisions, waits) and outcomes (before/after tables, survival by band)."""

import datetime as dt

import pytest
import time_machine

from cases.choices import AmbulatoryStatus, CaseStatus, PrimarySite
from mdt.models import AgendaItem, Attendance, Decision, Meeting, Member
from reports.measures import Filters
from reports.outcomes import survival
from reports.periods import Period
from reports.selectors import referral_to_decision
from tests.factories import (
    TOKUHASHI_COMPLETE,
    AgendaItemFactory,
    AssessmentFactory,
    CaseFactory,
    MeetingFactory,
    MemberFactory,
    PatientFactory,
    decision,
    local,
)
from tests.reports import report_for

pytestmark = pytest.mark.django_db

NOW = local(2026, 12, 1, 12, 0)
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


# Activity --------------------------------------------------------------------------------------


def test_it_counts_referrals_in_the_period_by_presentation():
    CaseFactory(referred_at=local(2026, 3, 1, 9))
    CaseFactory(referred_at=local(2026, 3, 2, 9), presentation="known_disease_review", red_flags=[])
    CaseFactory(referred_at=local(2025, 12, 31, 23, 0))  # the year before

    activity = report_for(*YEAR).activity

    assert activity.referrals == 2
    assert [(key, n) for key, _, n in activity.referrals_by_presentation] == [
        ("suspected_mscc", 1),
        ("suspected_metastases", 0),
        ("known_disease_review", 1),
    ]


def held(when: dt.datetime, *, quorate: bool = True, status: str = Meeting.Status.CONCLUDED) -> Meeting:
    meeting = MeetingFactory(starts_at=when, ends_at=when + dt.timedelta(hours=2), status=status)
    meeting.agenda_closes_at = when - dt.timedelta(days=2)
    meeting.save()
    roles = Member.QUORUM_ROLES if quorate else Member.QUORUM_ROLES[:2]
    for role in roles:
        Attendance.objects.create(meeting=meeting, member=MemberFactory(role=role), present=True)
    return meeting


def test_it_counts_meetings_held_cases_discussed_carried_forward_and_meetings_without_quorum():
    first = held(local(2026, 5, 6, 13))
    second = held(local(2026, 5, 13, 13), quorate=False)
    held(local(2026, 5, 20, 13), status=Meeting.Status.CANCELLED)  # not held
    held(local(2026, 12, 9, 13), status=Meeting.Status.SCHEDULED)  # in the period, but not yet
    for status in (AgendaItem.Status.DISCUSSED, AgendaItem.Status.DISCUSSED, AgendaItem.Status.NOT_DISCUSSED):
        AgendaItemFactory(meeting=first, status=status)
    AgendaItemFactory(meeting=second, status=AgendaItem.Status.DISCUSSED)
    AgendaItemFactory(meeting=second, status=AgendaItem.Status.WITHDRAWN)

    activity = report_for(*YEAR).activity

    assert [(row.discussed, row.carried_forward, row.quorate) for row in activity.meetings] == [
        (2, 1, True),
        (1, 0, False),
    ]
    assert (activity.meetings_held, activity.cases_discussed, activity.discussed_per_meeting) == (2, 3, 1.5)
    assert (activity.carried_forward, activity.meetings_without_quorum) == (1, 1)


def test_the_case_filters_apply_to_the_cases_discussed_not_to_the_meetings():
    meeting = held(local(2026, 5, 6, 13))
    AgendaItemFactory(meeting=meeting, status=AgendaItem.Status.DISCUSSED)  # breast
    lung = CaseFactory(patient=PatientFactory(primary_site=PrimarySite.LUNG_SCLC))
    AgendaItemFactory(meeting=meeting, case=lung, status=AgendaItem.Status.DISCUSSED)

    activity = report_for(*YEAR, primary_site="lung_sclc").activity

    assert (activity.meetings_held, activity.cases_discussed) == (1, 1)


def test_it_counts_current_decisions_per_treatment_key_without_confusing_similar_keys():
    case = CaseFactory()
    decision(case, local(2026, 4, 1, 10), ["sbrt_srs", "steroids"])
    decision(CaseFactory(), local(2026, 4, 2, 10), ["separation_surgery_plus_sbrt"])  # contains "sbrt", not "sbrt_srs"
    decision(CaseFactory(), local(2026, 4, 3, 10), [], no_treatment=True)
    old = decision(CaseFactory(), local(2026, 4, 4, 10), ["cebrt"], status=Decision.Status.SUPERSEDED)
    decision(old.case, local(2026, 4, 5, 10), ["surgery_decompression"], amends=old, amendment_reason="Changed")
    decision(CaseFactory(), local(2025, 4, 1, 10), ["cebrt"])  # the year before

    activity = report_for(*YEAR).activity
    by_key = {key: count for key, _, count in activity.by_treatment}

    assert activity.decisions == 4 and activity.decisions_no_treatment == 1
    assert by_key["sbrt_srs"] == 1 and by_key["separation_surgery_plus_sbrt"] == 1 and by_key["steroids"] == 1
    assert by_key["cebrt"] == 0 and by_key["surgery_decompression"] == 1
    assert "Analgesia" in activity.not_chosen and "No active treatment" not in activity.not_chosen


def test_referral_to_decision_uses_the_first_current_decision_and_nearest_rank_percentiles():
    referred = local(2026, 3, 1, 9)
    for days in range(1, 11):  # waits of 1..10 days
        decision(CaseFactory(referred_at=referred), referred + dt.timedelta(days=days), ["cebrt"])
    second = CaseFactory(referred_at=referred)
    decision(second, referred + dt.timedelta(days=20), ["cebrt"])
    decision(second, referred + dt.timedelta(days=40), ["sact"])  # a later decision: the first one counts
    earlier = CaseFactory(referred_at=local(2025, 11, 1, 9))
    decision(earlier, local(2025, 12, 1, 9), ["cebrt"])  # first decided last year: not in this cohort
    decision(earlier, local(2026, 2, 1, 9), ["sact"])

    waits = referral_to_decision(period=Period(*YEAR), filters=Filters())

    # 11 waits: 1..10 days and 20 days. Median: the 6th (ceil(5.5)); 90th percentile: the 10th (ceil(9.9)).
    assert waits.count == 11
    assert waits.median == dt.timedelta(days=6)
    assert waits.p90 == dt.timedelta(days=10)


def test_with_no_decisions_there_is_no_median():
    waits = referral_to_decision(period=Period(*YEAR), filters=Filters())

    assert (waits.count, waits.median, waits.p90) == (0, None, None)


# Outcomes --------------------------------------------------------------------------------------


def test_it_cross_tabulates_frankel_and_walking_before_and_after_for_outcomes_assessed_in_the_period():
    assessed = dt.date(2026, 6, 1)
    for before, after, walk_before, walk_after in [
        ("C", "D", AmbulatoryStatus.NOT_WALKING, AmbulatoryStatus.WALKS_WITH_AID),
        ("C", "D", AmbulatoryStatus.NOT_WALKING, AmbulatoryStatus.WALKS_UNAIDED),
        ("D", "D", AmbulatoryStatus.WALKS_WITH_AID, AmbulatoryStatus.WALKS_WITH_AID),
        ("D", "B", AmbulatoryStatus.WALKS_WITH_AID, AmbulatoryStatus.NOT_WALKING),
        ("E", "", AmbulatoryStatus.WALKS_UNAIDED, AmbulatoryStatus.WALKS_UNAIDED),
    ]:
        CaseFactory(
            frankel_grade=before,
            frankel_after_treatment=after,
            ambulatory_status=walk_before,
            ambulatory_after_treatment=walk_after,
            outcome_assessed_on=assessed,
            status=CaseStatus.FOLLOW_UP,
        )
    CaseFactory(frankel_grade="A", frankel_after_treatment="E", outcome_assessed_on=dt.date(2025, 6, 1))  # outside

    report = report_for(*YEAR)

    assert report.frankel.cells == {("C", "D"): 2, ("D", "D"): 1, ("D", "B"): 1, ("E", ""): 1}
    assert report.frankel.change() == {"improved": 2, "unchanged": 1, "worse": 1}  # E -> not recorded: neither
    assert report.walking.change() == {"improved": 2, "unchanged": 2, "worse": 1}
    rows = {label: counts for label, counts, _ in report.frankel.rows()}
    assert rows["C"] == [0, 0, 0, 2, 0, 0] and rows["E"] == [0, 0, 0, 0, 0, 1]
    assert report.frankel.total == 5 and report.frankel.column_totals() == [0, 1, 0, 3, 0, 1]


def tokuhashi(case, total: int, band: str, at: dt.datetime) -> None:
    AssessmentFactory(
        case=case,
        kind="tokuhashi",
        version="tokuhashi_revised_2005",
        level="",
        components=TOKUHASHI_COMPLETE,
        total=total,
        band=band,
        assessed_at=at,
    )


def test_survival_from_the_first_decision_by_the_latest_tokuhashi_band_counts_only_those_followed_long_enough():
    today = NOW.date()

    def patient(decided_days_ago: int, died_days_after: int | None, band: str | None) -> None:
        decided = NOW - dt.timedelta(days=decided_days_ago)
        died = (decided + dt.timedelta(days=died_days_after)).date() if died_days_after is not None else None
        case = CaseFactory(patient=PatientFactory(died_on=died), referred_at=decided - dt.timedelta(days=3))
        if band:
            tokuhashi(case, 13 if band == "ge_12_months" else 5, band, decided - dt.timedelta(days=1))
        decision(case, decided, ["cebrt"])

    patient(300, 100, "lt_6_months")  # died at 100 days: not alive at 6 months
    patient(300, None, "lt_6_months")  # alive after 300 days: alive at 6 months; not followed 12 months
    patient(30, 10, "lt_6_months")  # decided 30 days ago: not followed 6 months yet, but a death
    patient(330, 200, "ge_12_months")  # died after 200 days: alive at 6, not followed 12 months
    patient(330, None, None)  # never scored
    # A later score changes the band: the latest complete revised Tokuhashi counts.
    rescored = CaseFactory(patient=PatientFactory(), referred_at=NOW - dt.timedelta(days=60))
    tokuhashi(rescored, 5, "lt_6_months", NOW - dt.timedelta(days=59))
    tokuhashi(rescored, 10, "ge_6_months", NOW - dt.timedelta(days=40))
    decision(rescored, NOW - dt.timedelta(days=50), ["cebrt"])

    rows = {
        row.band: row for row in survival(period=Period(dt.date(2025, 12, 1), today), filters=Filters(), today=today)
    }

    low = rows["lt_6_months"]
    assert (low.patients, low.deaths, low.followed_6, low.alive_6, low.followed_12) == (3, 2, 2, 1, 0)
    assert low.alive_6_percent == 50
    high = rows["ge_12_months"]
    assert (high.patients, high.deaths, high.followed_6, high.alive_6, high.followed_12) == (1, 1, 1, 1, 0)
    assert rows["ge_6_months"].patients == 1
    assert (rows["not_scored"].patients, rows["not_scored"].followed_6, rows["not_scored"].alive_6) == (1, 1, 1)


def test_survival_counts_a_patient_with_a_decision_in_the_period_from_their_first_decision_ever():
    case = CaseFactory(patient=PatientFactory(died_on=(NOW - dt.timedelta(days=100)).date()))
    decision(case, NOW - dt.timedelta(days=400), ["cebrt"])  # before the period: survival runs from here
    decision(CaseFactory(patient=case.patient), NOW - dt.timedelta(days=120), ["sact"])  # in the period

    found = survival(period=Period(dt.date(2026, 6, 1), NOW.date()), filters=Filters(), today=NOW.date())
    rows = {row.band: row for row in found}

    unscored = rows["not_scored"]
    assert (unscored.patients, unscored.deaths, unscored.followed_12, unscored.alive_12) == (1, 1, 1, 0)
    assert (unscored.followed_6, unscored.alive_6) == (1, 1)  # died 300 days after the first decision
