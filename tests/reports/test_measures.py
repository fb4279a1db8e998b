"""The three NICE timeliness measures at their boundaries: met, breach, pending, cohort dates, clock changes."""

import datetime as dt

import pytest
import time_machine

from cases.choices import Modality, PrimarySite
from cases.models import Case
from reports.measures import MEASURES, Filters, MeasureKey, measure_report
from reports.periods import Period
from tests.factories import (
    PatientFactory,
    ScanFactory,
    local,
    metastases_case,
    mscc_case,
    radiotherapy_case,
    whole_spine_mri,
)
from tests.reports import report_for, totals

pytestmark = pytest.mark.django_db

NOW = local(2026, 12, 1, 12, 0)
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def counts(key: str, first: dt.date = YEAR[0], last: dt.date = YEAR[1], **filters: str) -> tuple[int, int, int]:
    return totals(report_for(first, last, **filters))[key]


# MRI within 24 hours ---------------------------------------------------------------------------


def test_an_mri_exactly_24_hours_after_the_clock_start_is_met_and_a_minute_later_is_a_breach():
    start = local(2026, 6, 10, 9, 0)
    mscc_case(start, mri_at=start + dt.timedelta(hours=24))
    mscc_case(start, mri_at=start + dt.timedelta(hours=24, minutes=1))

    assert counts("mri_24h") == (1, 1, 0)


@pytest.mark.hazard("HAZ-030")
def test_no_mri_is_a_breach_once_due_and_pending_before_that_and_pending_is_not_in_the_denominator():
    mscc_case(NOW - dt.timedelta(hours=25))  # due an hour ago
    mscc_case(NOW - dt.timedelta(hours=23))  # due in an hour
    mscc_case(NOW - dt.timedelta(hours=24))  # due right now: not yet late
    mscc_case(NOW - dt.timedelta(hours=30), mri_at=NOW - dt.timedelta(hours=10))

    report = report_for(*YEAR).measures[0]

    assert (report.total.met, report.total.breach, report.total.pending) == (1, 1, 2)
    assert report.total.denominator == 2 and report.total.percent == 50


def test_only_the_first_whole_spine_mri_counts():
    start = local(2026, 6, 10, 9, 0)
    late = mscc_case(start, mri_at=start + dt.timedelta(hours=30))
    whole_spine_mri(late, start + dt.timedelta(hours=40))  # a repeat scan changes nothing
    targeted = mscc_case(start)
    whole_spine_mri(targeted, start + dt.timedelta(hours=2), modality=Modality.MRI_TARGETED)  # not whole-spine
    requested = mscc_case(start)
    ScanFactory(case=requested, requested_at=start)  # requested, never performed

    assert counts("mri_24h") == (0, 3, 0)


def test_the_cohort_is_by_local_date_of_the_clock_start_both_ends_included():
    mscc_case(local(2026, 4, 1, 0, 30), mri_at=local(2026, 4, 1, 2, 0))  # 31 March 23:30 UTC: in April
    mscc_case(local(2026, 6, 30, 23, 30), mri_at=local(2026, 7, 1, 2, 0))  # 22:30 UTC: still 30 June
    mscc_case(local(2026, 7, 1, 0, 15), mri_at=local(2026, 7, 1, 2, 0))  # outside
    mscc_case(local(2026, 3, 31, 23, 59), mri_at=local(2026, 4, 1, 2, 0))  # outside

    assert counts("mri_24h", dt.date(2026, 4, 1), dt.date(2026, 6, 30)) == (2, 0, 0)


def test_other_presentations_are_not_in_the_mri_24h_cohort():
    metastases_case(local(2026, 6, 1, 9))

    assert counts("mri_24h") == (0, 0, 0)


@pytest.mark.hazard("HAZ-018", "HAZ-030")
def test_a_case_without_a_suspicion_time_is_counted_from_its_referral_as_the_dashboard_assumes():
    # The dashboard's clock starts at the referral, flagged "start assumed"; the audit counts the same
    # clock, so a case with the time left blank is a breach here too, not missing from the audit.
    mscc_case(None, referred_at=local(2026, 6, 1, 9))
    week = metastases_case(None, referred_at=local(2026, 6, 1, 9), mri_at=local(2026, 6, 2, 9))
    Case.objects.filter(pk=week.pk).update(treatment_plan_agreed_at=local(2026, 6, 3, 9))

    assert counts("mri_24h") == (0, 1, 0)
    assert counts("mri_plan_1w") == (1, 0, 0)


@pytest.mark.hazard("HAZ-016", "HAZ-030")
def test_an_mri_performed_before_the_clock_start_does_not_meet_the_target():
    start = local(2026, 6, 10, 9, 0)
    mscc_case(start, mri_at=start - dt.timedelta(days=20))  # an old staging scan: the new clock still runs

    assert counts("mri_24h") == (0, 1, 0)


# MRI and plan within 1 week ---------------------------------------------------------------------


def test_the_week_needs_both_the_mri_and_the_plan_by_the_due_time():
    start = local(2026, 6, 1, 9, 0)
    due = local(2026, 6, 8, 9, 0)
    metastases_case(start, mri_at=due, plan_at=due)  # both exactly on time: met
    metastases_case(start, mri_at=start + dt.timedelta(days=1), plan_at=due + dt.timedelta(minutes=1))  # plan late
    metastases_case(start, mri_at=due + dt.timedelta(minutes=1), plan_at=start + dt.timedelta(days=1))  # MRI late
    metastases_case(start, mri_at=start + dt.timedelta(days=1))  # no plan, past due
    metastases_case(NOW - dt.timedelta(days=2), mri_at=NOW - dt.timedelta(days=1))  # no plan, not yet due

    assert counts("mri_plan_1w") == (1, 3, 1)


@pytest.mark.parametrize(
    ("start", "due", "a_week_of_hours"),
    [
        # Spring: GMT to BST. Seven calendar days is 6 days 23 hours: 7 x 24 hours is an hour late.
        (local(2026, 3, 24, 10, 0), local(2026, 3, 31, 10, 0), "breach"),
        # Autumn: BST to GMT. Seven calendar days is 7 days 1 hour: 7 x 24 hours is still on time.
        (local(2026, 10, 20, 10, 0), local(2026, 10, 27, 10, 0), "met"),
    ],
    ids=["spring", "autumn"],
)
def test_a_week_is_seven_calendar_days_in_local_time_across_the_2026_clock_changes(start, due, a_week_of_hours):
    mri_at = start + dt.timedelta(hours=1)
    metastases_case(start, mri_at=mri_at, plan_at=due)  # at the local due time: met
    metastases_case(start, mri_at=mri_at, plan_at=due + dt.timedelta(minutes=1))  # a minute later: breach
    metastases_case(start, mri_at=mri_at, plan_at=start + dt.timedelta(days=7))  # 168 elapsed hours

    met, breach, pending = counts("mri_plan_1w")

    assert (met, breach, pending) == ((2, 1, 0) if a_week_of_hours == "met" else (1, 2, 0))
    assert due - start == dt.timedelta(days=7, hours=-1 if a_week_of_hours == "breach" else 1)


# Radiotherapy within 24 hours of the decision --------------------------------------------------


def test_radiotherapy_exactly_24_hours_after_the_decision_is_met_and_a_minute_later_a_breach():
    decided = local(2026, 10, 24, 16, 0)  # the 24 hours cross the autumn change: elapsed hours, not wall clock
    radiotherapy_case(decided, started=decided + dt.timedelta(hours=24))
    radiotherapy_case(decided, started=decided + dt.timedelta(hours=24, minutes=1))
    radiotherapy_case(NOW - dt.timedelta(hours=30))  # not started, past due
    radiotherapy_case(NOW - dt.timedelta(hours=2))  # not started, pending

    assert counts("rt_24h") == (1, 2, 1)


@pytest.mark.hazard("HAZ-011", "HAZ-030")
def test_radiotherapy_in_a_combined_plan_is_audited_from_its_first_fraction():
    decided = local(2026, 6, 1, 9)
    radiotherapy_case(
        decided,
        treatment_modality="surgery",
        radiotherapy_planned=True,
        radiotherapy_started_at=decided.replace(hour=20),
    )
    radiotherapy_case(decided, treatment_modality="surgery", radiotherapy_planned=True)  # never started: breach

    assert counts("rt_24h") == (1, 1, 0)


def test_other_treatment_modalities_are_not_in_the_radiotherapy_cohort():
    radiotherapy_case(local(2026, 6, 1, 9), treatment_modality="surgery")

    assert counts("rt_24h") == (0, 0, 0)


# Filters and the monthly trend -----------------------------------------------------------------


def test_the_filters_narrow_every_measure():
    start = local(2026, 6, 10, 9, 0)
    lung = PatientFactory(primary_site=PrimarySite.LUNG_NSCLC)
    mscc_case(start, mri_at=start + dt.timedelta(hours=2), patient=lung)
    mscc_case(start, mri_at=start + dt.timedelta(hours=30))  # breast (the factory's)
    radiotherapy_case(start, started=start + dt.timedelta(hours=3), patient=lung)

    assert totals(report_for(*YEAR, primary_site="lung_nsclc")) == {
        "mri_24h": (1, 0, 0),
        "mri_plan_1w": (0, 0, 0),
        "rt_24h": (1, 0, 0),
    }
    by_presentation = totals(report_for(*YEAR, presentation="suspected_metastases"))
    assert by_presentation == {"mri_24h": (0, 0, 0), "mri_plan_1w": (0, 0, 0), "rt_24h": (0, 0, 0)}


def test_the_trend_groups_by_the_local_month_of_the_clock_start_with_every_month_of_the_period():
    mscc_case(local(2026, 5, 31, 23, 30), mri_at=local(2026, 6, 1, 1))  # 22:30 UTC on 31 May: May
    mscc_case(local(2026, 6, 1, 0, 30), mri_at=local(2026, 6, 2, 9))  # 23:30 UTC on 31 May: June, late

    period = Period(dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    report = measure_report(MEASURES[MeasureKey.MRI_24H], period=period, filters=Filters(), now=NOW)

    months = {month: (c.met, c.breach, c.pending, c.percent) for month, c in report.months}
    assert months == {
        dt.date(2026, 4, 1): (0, 0, 0, None),
        dt.date(2026, 5, 1): (1, 0, 0, 100.0),
        dt.date(2026, 6, 1): (0, 1, 0, 0.0),
    }


def test_each_measure_is_defined_in_words_with_its_configured_target():
    definition = " ".join(MEASURES[MeasureKey.MRI_PLAN_1W].definition)

    assert "suspected-diagnosis time + 7 days (calendar days, local time)" in definition
    assert "Pending cases are not in the denominator" in definition
    assert "NICE QS56 statement 2" in definition
    assert "+ 24 hours" in " ".join(MEASURES[MeasureKey.MRI_24H].definition)
