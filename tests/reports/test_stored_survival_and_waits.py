"""The survival table, the referral-to-decision waits and the referrals read their closed months stored
(reports.monthly): the same figures as counting every case and decision live, as of any day, whatever
changes after. "Live" here is each figure's query as first written, before its months were stored."""

import datetime as dt
import hashlib
import re
from importlib import import_module

import pytest
import time_machine
from django.apps import apps
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.choices import Presentation, PrimarySite
from cases.models import Assessment, Case, Patient
from mdt.models import Decision
from reports import figures, monthly
from reports.measures import Filters
from reports.models import StoredDay
from reports.periods import QuickRange, quick_range
from reports.selectors import service_report
from tests.factories import (
    CaseFactory,
    PatientFactory,
    UserFactory,
    decision,
    local,
    metastases_case,
    mscc_case,
    radiotherapy_case,
    whole_spine_mri,
)
from tests.reports.stored_service import (
    ALL_STORED,
    FILTERS,
    NOW,
    PERIOD,
    STORED,
    assert_stored_equals_live,
    service,
    stored_days_read,
    stored_months_read,
    tokuhashi,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.hazard("HAZ-030")
def test_survival_waits_and_referrals_give_the_live_figures_from_stored_months_and_after_a_change_in_a_closed_month():
    made = service()
    monthly.refresh(now=NOW)
    assert stored_months_read() == ALL_STORED
    assert_stored_equals_live()
    assert service_report(period=PERIOD, filters=Filters(), now=NOW).stored_at == NOW

    # A death recorded in September for the patient decided on in March (and again in April, referred in February):
    # those three months are counted live, the others still read stored.
    Patient.objects.filter(pk=made[("mets", 3)].patient_id).update(died_on=dt.date(2026, 5, 1))
    changed = {dt.date(2026, month, 1) for month in (2, 3, 4)}
    assert stored_months_read() == {(key, month) for key, month in ALL_STORED if month not in changed}
    assert_stored_equals_live()

    # Changes to closed months, by every kind of write the figures read: each month counted live until the refresh.
    recorder = UserFactory()
    decision(made[("mscc", 2)], local(2026, 1, 20, 9), ["sact"], recorded_by=recorder)  # an earlier first decision
    tokuhashi(made[("mets", 4)], "lt_6_months", local(2026, 4, 20, 9))  # rescored: another band
    Decision.objects.filter(case=made[("mscc", 5)]).update(status=Decision.Status.SUPERSEDED)  # amended away
    Case.objects.filter(pk=made[("mscc", 6)].pk).update(presentation=Presentation.SUSPECTED_METASTASES, red_flags=[])
    Case.objects.filter(pk=made[("mets", 7)].pk).update(referred_at=local(2026, 6, 1, 9))  # a longer wait
    Case.objects.filter(pk=made[("mscc", 8)].pk).update(patient=made[("mets", 8)].patient)  # filed under another
    assert stored_months_read() == set()  # every month from January to August changed
    assert_stored_equals_live()

    refreshed = monthly.refresh(now=NOW)
    assert refreshed.changes > 0
    assert stored_months_read() == ALL_STORED
    assert_stored_equals_live()


@pytest.mark.hazard("HAZ-030")
def test_the_current_months_days_before_today_are_read_stored_and_a_changed_day_is_counted_live():
    made = service()
    monthly.refresh(now=NOW)
    assert stored_days_read() == {(key, day) for key in STORED for day in range(1, 15)}  # not today, the 15th
    assert_stored_equals_live()

    recorder = UserFactory()
    decision(made[("mscc", 9)], local(2026, 9, 2, 9), ["sact"], recorded_by=recorder)  # the 2nd changed
    Patient.objects.filter(pk=made[("mets", 9)].patient_id).update(died_on=dt.date(2026, 9, 14))
    read = stored_days_read()
    assert all((key, 2) not in read for key in STORED) and len(read) < 4 * 14
    assert_stored_equals_live()
    assert_stored_equals_live(now=NOW + dt.timedelta(days=200), filters_list=FILTERS[:1])

    monthly.refresh(now=NOW)
    assert stored_days_read() == {(key, day) for key in STORED for day in range(1, 15)}
    assert_stored_equals_live()


@pytest.mark.hazard("HAZ-030")
def test_survival_read_from_stored_months_is_counted_as_of_the_day_the_page_is_read():
    service()
    monthly.refresh(now=NOW)
    later = NOW + dt.timedelta(days=200)  # the same stored months, more patients followed 6 months
    with time_machine.travel(later, tick=False):
        assert stored_months_read(later) == ALL_STORED
        assert_stored_equals_live(now=later)
        page = service_report(period=PERIOD, filters=Filters(), now=later)
        assert sum(row.followed_6 for row in page.survival) > sum(
            row.followed_6 for row in service_report(period=PERIOD, filters=Filters(), now=NOW).survival
        )


def test_a_stored_survival_month_counted_by_another_rule_is_never_read():
    service()
    monthly.refresh(now=NOW)
    monthly.StoredMonth.objects.filter(measure="survival").update(rule="an older query", counts=[])

    assert not any(key == "survival" for key, _ in stored_months_read())
    assert_stored_equals_live(filters_list=FILTERS[:1])


@pytest.mark.hazard("HAZ-030")
def test_the_last_12_months_read_the_part_of_their_first_month_stored_and_count_it_live_once_changed():
    year = quick_range(QuickRange.LAST_12_MONTHS, NOW.date())  # 16 September 2025 to today: September in part
    recorder = UserFactory()
    made = {}
    for day in (10, 16, 20, 30):  # before the period, its first day, inside, the month's last day
        at = local(2025, 9, day, 10, 0)
        made[day] = mscc_case(at, mri_at=at + dt.timedelta(hours=20 if day % 20 else 30), referred_at=at)
        tokuhashi(made[day], "lt_6_months", at)
        decision(made[day], at + dt.timedelta(days=1), ["cebrt"], recorded_by=recorder)
        metastases_case(at, mri_at=at + dt.timedelta(days=2), plan_at=at)
        radiotherapy_case(at, started=at + dt.timedelta(hours=10))
    decision(made[10], local(2025, 9, 25, 10), ["sact"], recorded_by=recorder)  # decided on again, in the period
    monthly.refresh(now=NOW)

    def september_read():
        rows = monthly.fresh_rows(year, NOW).values()
        return {(row.measure, row.day, row.ends_before) for row in rows if row.month == dt.date(2025, 9, 1)}

    part = {(key, dt.date(2025, 9, 16), local(2025, 10, 1)) for key in monthly.FIGURES}  # the 16th to the 30th
    assert september_read() == part
    assert_stored_equals_live(period=year)

    Decision.objects.filter(case=made[20]).update(status=Decision.Status.SUPERSEDED)  # the decision on the 21st
    whole_spine_mri(made[30], local(2025, 9, 30, 12))  # the MRI clock started on the 30th: met
    assert september_read() == set()
    assert_stored_equals_live(period=year)

    monthly.refresh(now=NOW)
    assert september_read() == part
    assert_stored_equals_live(period=year)
    tomorrow = NOW + dt.timedelta(days=1)  # the period a day shorter: its part stored again by the refresh
    monthly.refresh(now=tomorrow)
    later = quick_range(QuickRange.LAST_12_MONTHS, tomorrow.date())
    read = {
        (row.measure, row.day)
        for row in monthly.fresh_rows(later, tomorrow).values()
        if row.month == dt.date(2025, 9, 1)
    }
    assert read == {(key, dt.date(2025, 9, 17)) for key in monthly.FIGURES}
    assert not StoredDay.objects.filter(day=dt.date(2025, 9, 16)).exists()
    assert_stored_equals_live(now=tomorrow, period=later, filters_list=FILTERS[:2])


def old_form(figure, counts):
    """A month as stored before the compact forms: an entry per case (waits) or per patient (survival), per group of
    the decisions' treatments chosen, under the rule of the query alone."""
    if figure is figures.WAITS:
        return [[site, presentation, wait, 1] for site, presentation, waits in counts for wait in waits]
    if figure is figures.SURVIVAL:
        day_of = dt.date.fromordinal
        return [
            [site, presentation, patient, day_of(first).isoformat(), died and day_of(died).isoformat(), band]
            for site, presentation, band, patients, firsts, deaths in counts
            for patient, first, died in zip(patients, firsts, deaths, strict=True)
        ]
    return [
        [site, presentation, False, [True] + [False] * (len(chose) - 1), n]
        for site, presentation, n, _, chose in counts
    ]


@pytest.mark.hazard("HAZ-030")
def test_a_month_stored_in_an_earlier_form_is_never_read_and_the_refresh_counts_it_again():
    service()
    monthly.refresh(now=NOW)
    reference = figures.month_range(dt.date(2000, 1, 1))
    for figure in (figures.WAITS, figures.SURVIVAL, figures.DECISIONS):
        sql, params = figure.query([reference], dt.datetime(2000, 3, 1, tzinfo=dt.UTC)).query.sql_with_params()
        query_alone = hashlib.sha256(f"{connection.vendor}|{sql}|{params!r}".encode()).hexdigest()
        for month in monthly.StoredMonth.objects.filter(measure=figure.key):
            month.rule, month.counts = query_alone, old_form(figure, month.counts)
            month.save()
    assert {key for key, _ in stored_months_read()} == {"referrals"}
    assert_stored_equals_live()

    assert monthly.refresh(now=NOW).months == 3 * 36
    assert stored_months_read() == ALL_STORED
    assert_stored_equals_live()


def test_each_figure_reads_its_stored_months_with_the_others_and_counts_the_current_month_in_one_query(
    django_assert_num_queries,
):
    service()
    monthly.refresh(now=NOW)
    stored = monthly.fresh_rows(PERIOD, NOW)

    # September, counted now: one query each.
    with django_assert_num_queries(4):
        monthly.survival(period=PERIOD, filters=Filters(), now=NOW, stored=stored)
        monthly.referral_to_decision(period=PERIOD, filters=Filters(), stored=stored)
        monthly.referrals(period=PERIOD, filters=Filters(), stored=stored)
        monthly.decisions(period=PERIOD, filters=Filters(), stored=stored)
    # Outcomes; the stored months of every figure; their stored days of September; the rest of September for
    # survival, waits, referrals, decisions and each of the three measures; meetings.
    with django_assert_num_queries(11):
        service_report(period=PERIOD, filters=Filters(), now=NOW)


def test_the_triggers_watch_every_table_the_stored_figures_read_and_the_instants_that_place_them_in_a_month():
    decision_triggers = import_module("reports.migrations.0004_decision_triggers")
    clock_triggers = import_module("reports.migrations.0003_clock_input_triggers")
    assert "referred_at" in clock_triggers.CLOCK_INPUTS  # referrals: the month of the referral
    assert "decided_at" in " ".join(decision_triggers.postgresql())  # survival, waits: the month of a decision
    watched = {model._meta.db_table for model in (Case, Patient, Decision, Assessment)}
    tables = {model._meta.db_table for model in apps.get_models()}
    for figure in (figures.SURVIVAL, figures.WAITS, figures.REFERRALS, figures.DECISIONS):
        sql = str(figure.query([figures.month_range(dt.date(2026, 1, 1))], NOW).query)
        read = {name for name in re.findall(r'"(\w+)"', sql) if name in tables}
        assert read <= watched, figure.key


# --------------------------------------------------------------------------- for any records and changes

days = st.integers(0, 290)  # from 1 December 2025 to mid-September 2026
patients_made = st.lists(st.tuples(st.booleans(), st.one_of(st.none(), days)), min_size=1, max_size=4)
cases_made = st.lists(st.tuples(st.integers(0, 3), st.sampled_from(list(Presentation)), days), min_size=1, max_size=6)
decisions_made = st.lists(
    st.tuples(st.integers(0, 5), days, st.integers(0, 23), st.booleans(), st.integers(0, 2)), max_size=8
)
CHOSEN = [(["cebrt"], False), (["sact", "steroids"], False), ([], True)]  # treatments, no active treatment
scores_made = st.lists(
    st.tuples(st.integers(0, 5), st.sampled_from(["lt_6_months", "ge_12_months"]), days, st.booleans()), max_size=3
)
changes = st.lists(
    st.tuples(
        st.sampled_from(
            ["decide", "supersede", "move", "delete", "died", "score", "presentation", "site", "refer", "file"]
        ),
        st.integers(0, 7),
        days,
    ),
    max_size=3,
)


def day(n, hour=9):
    return local(2025, 12, 1, hour) + dt.timedelta(days=n)


def make_case(patient, presentation, referred):
    flags = {} if presentation == Presentation.SUSPECTED_MSCC else {"red_flags": []}
    return CaseFactory(patient=patient, presentation=presentation, referred_at=day(referred), **flags)


def change(action, index, when, cases, patients, recorder):
    case = cases[index % len(cases)]
    decisions = list(Decision.objects.order_by("pk"))
    chosen = decisions[index % len(decisions)] if decisions else None
    if action == "decide":
        decision(case, day(when, 11), ["cebrt"], recorded_by=recorder)
    elif action == "supersede" and chosen:
        Decision.objects.filter(pk=chosen.pk).update(status=Decision.Status.SUPERSEDED)
    elif action == "move" and chosen:
        Decision.objects.filter(pk=chosen.pk).update(decided_at=day(when, 15))
    elif action == "delete" and chosen:
        Decision.objects.filter(pk=chosen.pk).delete()
    elif action == "died":
        Patient.objects.filter(pk=case.patient_id).update(died_on=day(when).date())
    elif action == "score":
        tokuhashi(case, "ge_6_months", day(when, 8))
    elif action == "presentation":
        Case.objects.filter(pk=case.pk).update(presentation=Presentation.KNOWN_DISEASE_REVIEW, red_flags=[])
    elif action == "site":
        Patient.objects.filter(pk=case.patient_id).update(primary_site=PrimarySite.BREAST)
    elif action == "refer":
        Case.objects.filter(pk=case.pk).update(referred_at=day(when, 7))
    elif action == "file":
        Case.objects.filter(pk=case.pk).update(patient=patients[when % len(patients)])


@pytest.mark.hazard("HAZ-030")
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=patients_made,
    made=cases_made,
    decided=decisions_made,
    scored=scores_made,
    later=changes,
    refreshed=st.booleans(),
)
def test_for_any_decisions_and_any_later_changes_the_stored_and_live_survival_waits_and_referrals_agree(
    people, made, decided, scored, later, refreshed
):
    with transaction.atomic():  # each example rolled back
        recorder = UserFactory()
        patients = [
            PatientFactory(
                primary_site=PrimarySite.BREAST if breast else PrimarySite.PROSTATE,
                died_on=day(died).date() if died is not None else None,
            )
            for breast, died in people
        ]
        cases = [make_case(patients[p % len(patients)], presentation, referred) for p, presentation, referred in made]
        for index, when, hour, superseded, chosen in decided:
            status = Decision.Status.SUPERSEDED if superseded else Decision.Status.AWAITING_SIGNOFF
            treatments, none = CHOSEN[chosen]
            case = cases[index % len(cases)]
            decision(case, day(when, hour), treatments, recorded_by=recorder, status=status, no_treatment=none)
        for index, band, when, complete in scored:
            tokuhashi(cases[index % len(cases)], band, day(when, 8), complete=complete)
        monthly.refresh(now=NOW)
        for action, index, when in later:
            change(action, index, when, cases, patients, recorder)
        if refreshed:
            monthly.refresh(now=NOW)
        assert_stored_equals_live(filters_list=FILTERS[:3])
        assert_stored_equals_live(now=NOW + dt.timedelta(days=150), filters_list=FILTERS[:1])
        transaction.set_rollback(True)
