"""Closed months stored (reports.monthly): the same figures as counting every case live, whatever changes after."""

import dataclasses
import datetime as dt
import re

import pytest
import time_machine
from django.apps import apps
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.choices import Presentation, PrimarySite
from cases.models import Case, Patient, Scan
from reports import monthly
from reports.figures import GROUPS
from reports.measures import MEASURES, Filters, Result, grouped_by_month, measure_cases, measure_report
from reports.models import ClockInputChange, StoredDay, StoredMonth
from reports.periods import Period
from tests.factories import (
    PatientFactory,
    coordinator_user,
    local,
    metastases_case,
    mscc_case,
    radiotherapy_case,
    whole_spine_mri,
)

pytestmark = pytest.mark.django_db

NOW = local(2026, 9, 15, 12, 0)
PERIOD = Period(dt.date(2026, 1, 1), dt.date(2026, 9, 15))  # January to August stored, September live
FILTERS = [
    Filters(),
    Filters(primary_site=PrimarySite.BREAST),
    Filters(primary_site=PrimarySite.PROSTATE),
    Filters(presentation=Presentation.SUSPECTED_MSCC),
    Filters(primary_site=PrimarySite.BREAST, presentation=Presentation.KNOWN_DISEASE_REVIEW),
]
QUERY = {"start": PERIOD.first.isoformat(), "end": PERIOD.last.isoformat()}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def figures(reports):
    return {r.key: (dataclasses.astuple(r.total), [(m, dataclasses.astuple(c)) for m, c in r.months]) for r in reports}


def assert_stored_equals_live(filters_list=FILTERS):
    for filters in filters_list:
        stored = monthly.measure_reports(period=PERIOD, filters=filters, now=NOW)
        live = [measure_report(m, period=PERIOD, filters=filters, now=NOW) for m in MEASURES.values()]
        assert figures(stored) == figures(live), filters
        for report in stored:  # the breach list behind each figure
            breaches = measure_cases(report.measure, period=PERIOD, filters=filters, now=NOW)
            assert breaches.filter(result=Result.BREACH.value).count() == report.total.breach


def stored_months_read():
    """The measures' stored months the page reads (the survival and waits ones: test_stored_survival_and_waits)."""
    measures = {key.value for key in MEASURES}
    rows = monthly.fresh_rows(PERIOD, NOW).items()
    return {(m, row.month) for (m, _), row in rows if m in measures and isinstance(row, StoredMonth)}


def stored_days_read(now=NOW):
    """The measures' stored days of September (the month not settled) the page reads."""
    measures = {key.value for key in MEASURES}
    rows = monthly.fresh_rows(PERIOD, now).items()
    return {(m, row.day.day) for (m, _), row in rows if m in measures and isinstance(row, StoredDay)}


# September's settled days on the 15th at noon: every case due (and a day's margin) before now.
SETTLED_DAYS = {"mri_24h": range(1, 13), "rt_24h": range(1, 13), "mri_plan_1w": range(1, 7)}
ALL_DAYS = {(key, day) for key, days in SETTLED_DAYS.items() for day in days}


def service():
    """Cases of every measure from March to September, met, breached and still running."""
    prostate = PatientFactory(primary_site=PrimarySite.PROSTATE)
    made = {}
    for month in range(3, 10):
        start = local(2026, month, 10, 9, 0)
        made[("mscc_met", month)] = mscc_case(start, mri_at=start + dt.timedelta(hours=20))
        made[("mscc_late", month)] = mscc_case(start, mri_at=start + dt.timedelta(hours=30), patient=prostate)
        made[("mscc_none", month)] = mscc_case(start)
        made[("mets_met", month)] = metastases_case(start, mri_at=start + dt.timedelta(days=2), plan_at=start)
        made[("mets_no_plan", month)] = metastases_case(start, mri_at=start + dt.timedelta(days=1))
        made[("rt_met", month)] = radiotherapy_case(start, started=start + dt.timedelta(hours=10))
        made[("rt_late", month)] = radiotherapy_case(start, started=start + dt.timedelta(hours=40), patient=prostate)
    mscc_case(NOW - dt.timedelta(hours=2))  # pending, this month
    return made


@pytest.mark.hazard("HAZ-030")
def test_stored_months_give_the_live_figures_for_every_measure_and_filter_and_after_any_change():
    made = service()
    monthly.refresh(now=NOW)
    assert stored_months_read() == {(key.value, dt.date(2026, m, 1)) for key in MEASURES for m in range(1, 9)}
    assert_stored_equals_live()

    # Changed after their month was stored, by every kind of write: each month is counted live until the refresh.
    whole_spine_mri(made[("mscc_none", 4)], local(2026, 4, 10, 12, 0))  # a scan added: now met
    moved = made[("rt_late", 5)]
    moved.decision_to_treat_at = local(2026, 6, 30, 23, 30)  # the clock start moved from May to June
    moved.treatment_start_at = moved.decision_to_treat_at + dt.timedelta(hours=40)
    moved.save()
    Patient.objects.filter(pk=made[("mscc_met", 7)].patient_id).update(primary_site=PrimarySite.PROSTATE)  # bulk
    Scan.objects.filter(case=made[("mets_met", 8)]).delete()  # a scan and its case deleted
    made[("mets_met", 8)].delete()
    Scan.objects.filter(case=made[("mscc_met", 8)]).update(performed_at=F("performed_at") + dt.timedelta(hours=10))
    assert_stored_equals_live()
    assert {month.month for _, month in stored_months_read()} == {1, 2, 3}  # April to August changed

    result = monthly.refresh(now=NOW)
    assert result.changes > 0 and not ClockInputChange.objects.exists()
    assert stored_months_read() == {(key.value, dt.date(2026, m, 1)) for key in MEASURES for m in range(1, 9)}
    assert_stored_equals_live()


@pytest.mark.hazard("HAZ-030")
def test_the_page_the_breach_lists_and_the_exports_agree_when_months_are_stored(client):
    service()
    monthly.refresh(now=NOW)
    client.force_login(coordinator_user())

    page = client.get(reverse("report"), QUERY).context["report"]
    csv = client.get(reverse("report-measures-csv"), QUERY).getvalue().decode()
    cases_csv = client.get(reverse("report-cases-csv"), QUERY).getvalue().decode()

    assert page.stored_at == NOW
    assert (
        "closed months from figures computed 15 Sep 2026, 12:00"
        in client.get(reverse("report"), QUERY).content.decode()
    )
    for report in page.measures:
        breaches = client.get(reverse("report-breaches", args=[report.key]), QUERY).context["page"]
        assert len(breaches) == report.total.breach > 0 and not breaches.has_next
        row = f"{report.key},all,{PERIOD.first},{PERIOD.last},all,all,{report.total.met},{report.total.breach},"
        assert row in csv
        assert cases_csv.count(f"{report.key},") == report.total.met + report.total.breach + report.total.pending


def test_a_month_is_stored_only_once_every_case_in_it_is_due():
    mscc_case(local(2026, 8, 31, 23, 0))  # due 1 September 23:00: August is settled by the 15th
    metastases_case(local(2026, 8, 31, 23, 0))  # due 7 September

    monthly.refresh(now=local(2026, 9, 1, 12, 0))

    stored = set(StoredMonth.objects.values_list("measure", "month"))
    assert ("mri_24h", dt.date(2026, 8, 1)) not in stored and ("mri_plan_1w", dt.date(2026, 8, 1)) not in stored
    assert ("mri_24h", dt.date(2026, 7, 1)) in stored and ("mri_24h", dt.date(2026, 9, 1)) not in stored

    monthly.refresh(now=NOW)
    assert ("mri_plan_1w", dt.date(2026, 8, 1)) in set(StoredMonth.objects.values_list("measure", "month"))
    assert_stored_equals_live(FILTERS[:1])


def test_a_stored_month_counted_by_another_rule_is_never_read():
    service()
    monthly.refresh(now=NOW)
    StoredMonth.objects.filter(measure="mri_24h").update(
        rule="a target since changed", counts=[["breast", "x", 99, 0, 0]]
    )

    assert not any(measure == "mri_24h" for measure, _ in stored_months_read())
    assert_stored_equals_live(FILTERS[:1])
    monthly.refresh(now=NOW)
    assert StoredMonth.objects.filter(measure="mri_24h").exclude(rule=monthly.rule(MEASURES["mri_24h"])).count() == 0


@pytest.mark.hazard("HAZ-030")
def test_a_change_committed_after_the_refresh_claimed_the_log_stays_logged(monkeypatch):
    made = service()
    counted = monthly._refresh_figure

    def a_change_lands_meanwhile(figure, **kwargs):
        if figure.key == "rt_24h":
            Case.objects.filter(pk=made[("rt_met", 4)].pk).update(treatment_start_at=local(2026, 4, 12, 9, 0))
        return counted(figure, **kwargs)

    monkeypatch.setattr(monthly, "_refresh_figure", a_change_lands_meanwhile)
    monthly.refresh(now=NOW)

    assert ClockInputChange.objects.filter(batch__isnull=True).exists()
    assert ("rt_24h", dt.date(2026, 4, 1)) not in stored_months_read()
    assert_stored_equals_live(FILTERS[:1])


def test_the_page_reads_the_stored_months_in_one_query(django_assert_num_queries):
    service()
    monthly.refresh(now=NOW)

    # The stored months of the three measures, their stored days of September; the rest of September counted
    # live, one grouped query per measure.
    with django_assert_num_queries(5):
        monthly.measure_reports(period=PERIOD, filters=Filters(), now=NOW)


@pytest.mark.hazard("HAZ-030")
def test_the_current_months_settled_days_are_stored_and_a_changed_day_is_counted_live_until_the_refresh():
    made = service()
    result = monthly.refresh(now=NOW)
    assert result.days > 0 and stored_days_read() == ALL_DAYS
    assert_stored_equals_live()

    # September: a scan for the case started on the 10th (a stored day), a case started on the 3rd, a case moved
    # from the 10th to the 14th (not settled: counted live anyway).
    whole_spine_mri(made[("mscc_none", 9)], local(2026, 9, 10, 12, 0))
    mscc_case(local(2026, 9, 3, 8, 0), mri_at=local(2026, 9, 3, 10, 0))
    Case.objects.filter(pk=made[("rt_met", 9)].pk).update(
        decision_to_treat_at=local(2026, 9, 14, 9, 0), treatment_start_at=local(2026, 9, 14, 10, 0)
    )
    changed = {(key, day) for key in SETTLED_DAYS for day in (3, 10)}
    assert stored_days_read() == ALL_DAYS - changed
    assert_stored_equals_live()

    monthly.refresh(now=NOW)
    assert stored_days_read() == ALL_DAYS and not ClockInputChange.objects.exists()
    assert_stored_equals_live()


def test_a_day_is_stored_only_once_every_case_started_in_it_is_due_and_its_month_stored_whole_replaces_it():
    metastases_case(local(2026, 9, 7, 23, 0))  # due 14 September, 23:00: the 7th is settled on the 16th
    monthly.refresh(now=NOW)
    assert ("mri_plan_1w", dt.date(2026, 9, 6)) in set(StoredDay.objects.values_list("measure", "day"))
    assert not StoredDay.objects.filter(day__gte=dt.date(2026, 9, 7), measure="mri_plan_1w").exists()
    assert not StoredDay.objects.filter(day__gte=dt.date(2026, 9, 15)).exists()  # today: never

    october = local(2026, 10, 20, 12, 0)  # September is settled for every figure: stored whole, its days dropped
    monthly.refresh(now=october)
    assert StoredMonth.objects.filter(month=dt.date(2026, 9, 1)).count() == len(monthly.FIGURES)
    assert not StoredDay.objects.filter(day__gte=dt.date(2026, 9, 1), day__lt=dt.date(2026, 10, 1)).exists()
    assert StoredDay.objects.filter(measure="referrals", day=dt.date(2026, 10, 19)).exists()


@pytest.mark.hazard("HAZ-030")
def test_a_truncated_table_forgets_the_stored_days_as_it_forgets_the_stored_months():
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE triggers: PostgreSQL")
    service()
    monthly.refresh(now=NOW)
    assert StoredDay.objects.exists() and StoredMonth.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the factories' deferred checks, run before the truncate
        cursor.execute("TRUNCATE cases_scan CASCADE")  # no row trigger fires: nothing is logged
    assert not StoredDay.objects.exists() and not StoredMonth.objects.exists()
    assert_stored_equals_live(FILTERS[:1])


# --------------------------------------------------------------------------- what the triggers watch


def columns(expression):
    if hasattr(expression, "name") and not hasattr(expression, "get_source_expressions"):
        return {expression.name}
    return set().union(*(columns(source) for source in expression.get_source_expressions()))


def test_the_triggers_log_every_column_a_clock_starts_from_and_every_table_a_measure_reads():
    from importlib import import_module

    triggers = import_module("reports.migrations.0003_clock_input_triggers")
    assert set().union(*(columns(m.start) for m in MEASURES.values())) == set(triggers.CLOCK_INPUTS)

    watched = {Case._meta.db_table, Scan._meta.db_table, Patient._meta.db_table}
    tables = {model._meta.db_table for model in apps.get_models()}
    for measure in MEASURES.values():
        filters = Filters(primary_site=PrimarySite.BREAST, presentation=Presentation.SUSPECTED_MSCC)
        sql = str(grouped_by_month(measure, [monthly.month_range(dt.date(2026, 1, 1))], filters=filters, now=NOW).query)
        read = {name for name in re.findall(r'"(\w+)"', sql) if name in tables}
        assert read <= watched, measure.key


def test_every_filter_of_the_page_is_a_group_of_the_stored_rows():
    # A filter the stored rows are not grouped by would be ignored by them: a new filter needs a new group.
    condition = Filters(primary_site=PrimarySite.BREAST, presentation=Presentation.SUSPECTED_MSCC).cases()
    filtered = {name for name, _ in condition.children}
    assert {field.name for field in dataclasses.fields(Filters)} == {"primary_site", "presentation"}
    assert filtered == set(GROUPS)


# --------------------------------------------------------------------------- for any records and changes

starts = st.tuples(st.integers(1, 9), st.integers(1, 28), st.integers(0, 23))  # September: its days stored
stops = st.one_of(st.none(), st.integers(0, 240))
cases_made = st.lists(st.tuples(st.sampled_from(["mscc", "mets", "rt"]), starts, stops, st.booleans()), max_size=8)
changes = st.lists(
    st.tuples(st.integers(0, 7), st.sampled_from(["move", "scan", "site", "delete", "stop"]), st.integers(-40, 40)),
    max_size=4,
)


def make(kind, start, stop, prostate):
    start = local(2026, *start, 0)
    stopped = start + dt.timedelta(hours=stop) if stop is not None else None
    patient = PatientFactory(primary_site=PrimarySite.PROSTATE if prostate else PrimarySite.BREAST)
    if kind == "mscc":
        return mscc_case(start, mri_at=stopped, patient=patient)
    if kind == "mets":
        return metastases_case(start, mri_at=stopped, plan_at=start + dt.timedelta(days=1), patient=patient)
    return radiotherapy_case(start, started=stopped, patient=patient)


def change(case, action, hours):
    if action == "move":
        Case.objects.filter(pk=case.pk).update(
            suspected_diagnosis_at=F("suspected_diagnosis_at") + dt.timedelta(days=hours),
            decision_to_treat_at=F("decision_to_treat_at") + dt.timedelta(days=hours),
            treatment_start_at=F("treatment_start_at") + dt.timedelta(days=hours),  # kept after the decision
        )
    elif action == "scan":
        whole_spine_mri(case, (case.suspected_diagnosis_at or case.referred_at) + dt.timedelta(hours=abs(hours)))
    elif action == "site":
        Patient.objects.filter(pk=case.patient_id).update(primary_site=PrimarySite.BREAST)
    elif action == "delete":
        Scan.objects.filter(case=case).delete()
        Case.objects.filter(pk=case.pk).delete()
    else:
        Case.objects.filter(pk=case.pk).update(treatment_start_at=None, treatment_plan_agreed_at=None)


@pytest.mark.hazard("HAZ-030")
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(made=cases_made, later=changes, refreshed=st.booleans())
def test_for_any_cases_and_any_later_changes_the_stored_and_live_figures_agree(made, later, refreshed):
    with transaction.atomic():  # each example rolled back
        cases = [make(*spec) for spec in made]
        monthly.refresh(now=NOW)
        for index, action, hours in later:
            if cases and Case.objects.filter(pk=cases[index % len(cases)].pk).exists():
                change(Case.objects.get(pk=cases[index % len(cases)].pk), action, hours)
        if refreshed:
            monthly.refresh(now=NOW)
        assert_stored_equals_live(FILTERS[:3])
        transaction.set_rollback(True)
