"""The worklist of clocks needing attention, and the dashboard.

The NICE pathway clocks of docs/clinical-reference.md §7.1.
"""

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus, Modality, Presentation, TreatmentModality
from cases.selectors import CLOCK_STARTS, clocks_needing_attention
from tests.cases.clocks.building import (
    AT_RISK,
    BREACHED,
    DAY,
    HOUR,
    LONDON,
    MINUTE,
    local,
    metastases_case,
    mri,
    mscc_case,
    radiotherapy_case,
)
from tests.factories import CaseFactory, PatientFactory, clinician

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- the worklist of clocks needing attention

NOW = local(2026, 6, 17, 12, 0)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def late_cases() -> dict[str, object]:
    """One case in each situation the worklist must include or leave out, at NOW."""
    return {
        # included
        "mscc breached 30 h": mscc_case(NOW - 30 * HOUR),  # due NOW - 6 h
        "rt breached 26 h": radiotherapy_case(NOW - 26 * HOUR),  # due NOW - 2 h
        "mscc at risk 20 h": mscc_case(NOW - 20 * HOUR),  # due NOW + 4 h
        "1w at risk 6 d": metastases_case(NOW - 6 * DAY),  # due NOW + 1 d
        "1w breached, mri but no plan": metastases_case(NOW - 8 * DAY, mri_at=NOW - 7 * DAY),  # due NOW - 1 d
        # no suspicion time: counted from the referral (START - 1 day), so due 10 June 09:00 (HAZ-018)
        "mscc without a suspicion time": mscc_case(None),
        # left out
        "mscc running 10 h": mscc_case(NOW - 10 * HOUR),
        "mscc met": mscc_case(NOW - 30 * HOUR, mri_at=NOW - 10 * HOUR),
        "mscc stopped late": mscc_case(NOW - 3 * DAY, mri_at=NOW - DAY),
        "1w met": metastases_case(NOW - 8 * DAY, mri_at=NOW - 7 * DAY, plan_at=NOW - 6 * DAY),
        "rt started": radiotherapy_case(NOW - 30 * HOUR, NOW - 20 * HOUR),
        "closed, breached": mscc_case(NOW - 40 * HOUR, status=CaseStatus.CLOSED),
        "known disease review": CaseFactory(presentation=Presentation.KNOWN_DISEASE_REVIEW, red_flags=[]),
    }


@pytest.mark.hazard("HAZ-018", "HAZ-060")
def test_it_lists_the_mscc_clocks_first_then_the_1_week_each_breached_then_at_risk_by_due_time(frozen):
    cases = late_cases()

    late = clocks_needing_attention()

    assert [(clock.case, clock.target.key, clock.state) for clock in late] == [
        (cases["mscc without a suspicion time"], "mri_whole_spine_24h", BREACHED),
        (cases["mscc breached 30 h"], "mri_whole_spine_24h", BREACHED),
        (cases["rt breached 26 h"], "rt_start_24h", BREACHED),
        (cases["mscc at risk 20 h"], "mri_whole_spine_24h", AT_RISK),
        (cases["1w breached, mri but no plan"], "mri_whole_spine_1w", BREACHED),
        (cases["1w at risk 6 d"], "mri_whole_spine_1w", AT_RISK),
    ]
    assert all(clock.is_open for clock in late)


def test_it_cuts_the_worklist_to_the_most_urgent(frozen):
    cases = late_cases()

    late = clocks_needing_attention(limit=2)

    assert [clock.case for clock in late] == [
        cases["mscc without a suspicion time"],
        cases["mscc breached 30 h"],
    ]


@pytest.mark.hazard("HAZ-060")
def test_a_page_of_long_breached_1_week_clocks_never_pushes_an_mscc_clock_off_the_dashboard(frozen):
    """Suspected cord compression is an emergency: its MRI due in four hours is listed above thirty
    one-week clocks breached for days, and so stays on a dashboard that shows 25 rows."""
    for n in range(30):
        metastases_case(NOW - (8 + n) * DAY)
    mscc = mscc_case(NOW - 20 * HOUR)  # at risk: due in 4 hours

    late = clocks_needing_attention(limit=25)

    assert (late[0].case, late[0].state) == (mscc, AT_RISK)
    assert [clock.target.key for clock in late[1:]] == ["mri_whole_spine_1w"] * 24


def test_it_lists_a_clock_from_the_moment_it_is_at_risk(frozen):
    at_risk = mscc_case(NOW - 18 * HOUR)
    mscc_case(NOW - 18 * HOUR + MINUTE)  # still running
    week_at_risk = metastases_case(NOW - 126 * HOUR)
    metastases_case(NOW - 126 * HOUR + MINUTE)  # still running

    assert [clock.case for clock in clocks_needing_attention()] == [at_risk, week_at_risk]


def test_it_lists_a_1_week_clock_at_risk_after_167_hours_across_the_spring_change():
    now = local(2026, 3, 30, 16, 15)
    started = local(2026, 3, 25, 10, 0)  # at risk from 125 h 15 min: 30 March 16:15 BST
    with time_machine.travel(now, tick=False):
        case = metastases_case(started)
        metastases_case(started + MINUTE)  # still running
        assert [clock.case for clock in clocks_needing_attention()] == [case]


@pytest.mark.parametrize("size", [3, 30])
def test_it_builds_the_worklist_in_a_bounded_number_of_queries(frozen, django_assert_max_num_queries, size):
    for n in range(size):
        case = mscc_case(NOW - (20 + n) * HOUR)
        mri(case, NOW - HOUR, modality=Modality.MRI_TARGETED)
    for n in range(size):
        radiotherapy_case(NOW - (20 + n) * HOUR)

    # per target: the open cases that could be late, with their patients (JOIN) and their first
    # whole-spine MRI (a subquery): no scans loaded, whatever the number of cases
    with django_assert_max_num_queries(len(CLOCK_STARTS)):
        late = clocks_needing_attention(limit=1000)
        names = [clock.case.patient.display_name for clock in late]

    assert len(late) == len(names) == 2 * size


@pytest.mark.hazard("HAZ-042")
def test_it_limits_the_worklist_in_the_database_keeping_the_most_urgent(frozen):
    """The dashboard shows 25 rows: only the most overdue are fetched, across every target."""
    mscc = [mscc_case(NOW - (30 + n) * HOUR) for n in range(40)]  # breached, due 6 to 45 hours ago
    rt = [radiotherapy_case(NOW - (25 + 2 * n) * HOUR) for n in range(40)]  # breached, 1 to 79 hours ago

    with CaptureQueriesContext(connection) as queries:
        late = clocks_needing_attention(limit=5)
    captured = [query["sql"] for query in queries.captured_queries]

    expected = sorted(
        [(case.suspected_diagnosis_at + 24 * HOUR, case) for case in mscc]
        + [(case.decision_to_treat_at + 24 * HOUR, case) for case in rt],
        key=lambda pair: pair[0],
    )[:5]
    assert [clock.case for clock in late] == [case for _, case in expected]
    assert len(captured) == len(CLOCK_STARTS) and all("LIMIT" in sql for sql in captured)


@pytest.mark.hazard("HAZ-042")
def test_a_case_late_on_two_clocks_is_listed_under_each(frozen):
    case = mscc_case(
        NOW - 40 * HOUR,  # due 16 hours ago
        treatment_modality=TreatmentModality.RADIOTHERAPY,
        decision_to_treat_at=NOW - 30 * HOUR,  # due 6 hours ago
    )

    late = clocks_needing_attention()

    assert [(clock.case, clock.target.key) for clock in late] == [
        (case, "mri_whole_spine_24h"),
        (case, "rt_start_24h"),
    ]


# --------------------------------------------------------------------------- on the dashboard


def test_it_shows_each_clock_needing_attention_on_the_dashboard(client, frozen):
    breached = mscc_case(NOW - 30 * HOUR, patient=PatientFactory(family_name="Okafor", given_name="Ada"))
    at_risk = radiotherapy_case(NOW - 20 * HOUR, patient=PatientFactory(family_name="Evans", given_name="Carys"))
    mscc_case(NOW - 2 * HOUR, patient=PatientFactory(family_name="Running", given_name="Not"))
    client.force_login(clinician())

    response = client.get(reverse("dashboard"))

    html = response.content.decode()
    rows = html[html.index('<table class="table table-hover mb-0 worklist table-stack">') :]
    rows = rows[: rows.index("</table>")].split("<tr>")[2:]  # after the header row
    assert len(rows) == 2
    assert "Breached" in rows[0]
    assert "OKAFOR, Ada" in rows[0]
    assert breached.patient.mrn in rows[0]
    assert "Whole-spine MRI within 24 hours" in rows[0]
    assert reverse("case-detail", args=[breached.pk]) in rows[0]
    assert "6 h 0 min overdue" in rows[0]
    assert "At risk" in rows[1]
    assert "EVANS, Carys" in rows[1]
    assert at_risk.patient.mrn in rows[1]
    assert "Radiotherapy start within 24 hours of the decision to treat" in rows[1]
    assert "4 h 0 min left" in rows[1]
    assert "RUNNING, Not" not in html
    assert "No NICE target is at risk or breached." not in html


def test_it_says_so_on_the_dashboard_when_no_target_needs_attention(client, frozen):
    mscc_case(NOW - 2 * HOUR)  # running
    mscc_case(NOW - 30 * HOUR, mri_at=NOW - 10 * HOUR)  # met
    client.force_login(clinician())

    response = client.get(reverse("dashboard"))

    assert response.context["clocks_attention"] == []
    assert "No NICE target is at risk or breached." in response.content.decode()


def test_it_uses_the_service_time_zone():
    assert settings.TIME_ZONE == "Europe/London"
    assert timezone.get_current_timezone() == LONDON
