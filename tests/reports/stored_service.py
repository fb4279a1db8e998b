"""A service's year of decisions, and the check that the stored and live figures agree, shared by the tests
of the stored survival, waits, referrals and decisions."""

import datetime as dt

from cases import scoring
from cases.choices import Presentation, PrimarySite
from core.timezones import local_zone
from reports import monthly, outcomes
from reports.measures import MEASURES, Filters, measure_report
from reports.periods import Period
from reports.selectors import decisions_by_treatment, referral_to_decision, referrals, service_report
from tests.factories import (
    TOKUHASHI_COMPLETE,
    AssessmentFactory,
    CaseFactory,
    PatientFactory,
    UserFactory,
    decision,
    local,
)
from tests.reports import first_written

NOW = local(2026, 9, 15, 12, 0)
PERIOD = Period(dt.date(2026, 1, 1), dt.date(2026, 9, 15))  # January to August stored, September counted now
FILTERS = [
    Filters(),
    Filters(primary_site=PrimarySite.BREAST),
    Filters(presentation=Presentation.SUSPECTED_MSCC),
    Filters(primary_site=PrimarySite.PROSTATE, presentation=Presentation.SUSPECTED_METASTASES),
]
STORED = ("survival", "decision_waits", "referrals", "decisions")


def assert_stored_equals_live(now=NOW, filters_list=FILTERS, period=PERIOD):
    today = now.astimezone(local_zone()).date()
    for filters in filters_list:
        page = service_report(period=period, filters=filters, now=now)
        survival = first_written.survival(period=period, filters=filters, today=today)
        assert page.survival == survival == outcomes.survival(period=period, filters=filters, today=today), filters
        waits = first_written.waits(period=period, filters=filters)
        assert page.activity.referral_to_decision == waits == referral_to_decision(period=period, filters=filters)
        decided = (page.activity.decisions, page.activity.decisions_no_treatment, page.activity.by_treatment)
        assert decided == first_written.decisions(period=period, filters=filters)
        assert decided == decisions_by_treatment(period=period, filters=filters)
        referred = (page.activity.referrals, page.activity.referrals_by_presentation)
        assert (
            referred
            == first_written.referrals(period=period, filters=filters)
            == referrals(period=period, filters=filters)
        )
        live = [measure_report(measure, period=period, filters=filters, now=now) for measure in MEASURES.values()]
        assert [(r.total, r.months) for r in page.measures] == [(r.total, r.months) for r in live], filters


def stored_months_read(now=NOW):
    rows = monthly.fresh_rows(PERIOD, now).items()
    return {(key, month) for (key, month), row in rows if key in STORED and isinstance(row, monthly.StoredMonth)}


def stored_days_read(now=NOW):
    rows = monthly.fresh_rows(PERIOD, now).items()
    return {(key, day.day) for (key, day), row in rows if key in STORED and isinstance(row, monthly.StoredDay)}


ALL_STORED = {(key, dt.date(2026, month, 1)) for key in STORED for month in range(1, 9)}


# --------------------------------------------------------------------------- a service


def tokuhashi(case, band, at, complete=True):
    return AssessmentFactory(
        case=case,
        kind="tokuhashi",
        version=scoring.TOKUHASHI_REVISED.version,
        level="",
        components=TOKUHASHI_COMPLETE if complete else {},
        total=(13 if band == "ge_12_months" else 5) if complete else None,
        band=band,  # an incomplete score keeps a band here that must not count
        complete=complete,
        assessed_at=at,
    )


def service():
    """Patients decided on every month from December to September, scored, some dead, some decided twice."""
    recorder = UserFactory()
    made = {}
    for month in range(1, 10):
        decided = local(2026, month, 12, 10, 0)
        prostate = PatientFactory(primary_site=PrimarySite.PROSTATE, died_on=decided.date() + dt.timedelta(days=40))
        mscc = CaseFactory(patient=prostate, referred_at=decided - dt.timedelta(days=month))
        tokuhashi(mscc, "lt_6_months", decided - dt.timedelta(days=2))
        decision(mscc, decided, ["cebrt"], recorded_by=recorder)
        breast = PatientFactory(primary_site=PrimarySite.BREAST)
        mets = CaseFactory(
            patient=breast,
            presentation=Presentation.SUSPECTED_METASTASES,
            red_flags=[],
            referred_at=decided - dt.timedelta(days=10 + month),
        )
        tokuhashi(mets, "ge_12_months", decided - dt.timedelta(days=1))
        decision(mets, decided + dt.timedelta(hours=2), ["sact"], recorded_by=recorder)
        decision(mets, decided + dt.timedelta(days=20), ["cebrt"], recorded_by=recorder)  # a later one
        made[("mscc", month)], made[("mets", month)] = mscc, mets
    earlier = CaseFactory(referred_at=local(2025, 11, 1, 9))
    decision(earlier, local(2025, 12, 1, 9), ["cebrt"], recorded_by=recorder)  # first decided before the period
    decision(earlier, local(2026, 2, 1, 9), ["sact"], recorded_by=recorder)
    made["earlier"] = earlier
    return made
