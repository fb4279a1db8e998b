"""The national dataset export: one row per case discussed in the month, national headers, and a
data-quality report naming what each case lacks."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from accounts.models import AccessRecord
from live.models import StandardOfCare
from mdt.models import AgendaItem, Decision, Meeting
from tests.factories import CaseFactory, UserFactory, clinician_user, coordinator_user, read_only_user

pytestmark = pytest.mark.django_db


def meeting_on(day: dt.date) -> Meeting:
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(13)))
    return Meeting.objects.create(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=1), agenda_closes_at=starts - dt.timedelta(days=1)
    )


@pytest.fixture
def month(settings):
    """October 2026: one complete case, one lacking its dates and site, one discussed in November."""
    settings.DATASET_PROVIDER_SITE = ""
    october, november = meeting_on(dt.date(2026, 10, 14)), meeting_on(dt.date(2026, 11, 4))
    complete = CaseFactory(ecog=1, provider_site="RXX01")
    complete.decision_to_treat_at = timezone.make_aware(dt.datetime(2026, 10, 14, 15))
    complete.treatment_start_at = timezone.make_aware(dt.datetime(2026, 10, 15, 9))
    complete.treatment_modality = "radiotherapy"
    complete.save()
    lacking = CaseFactory()
    later = CaseFactory()
    chair = UserFactory()
    for case, meeting, source in ((complete, october, "awaiting_mdt"), (lacking, october, "follow_up"),
                                  (later, november, "awaiting_mdt")):  # fmt: skip
        item = AgendaItem.objects.create(meeting=meeting, case=case, status="discussed", source=source)
        Decision.objects.create(
            case=case, agenda_item=item, treatments=["cebrt"], intent="palliative", rationale="r", recorded_by=chair
        )
    return {"complete": complete, "lacking": lacking, "later": later}


def test_the_export_has_one_row_per_case_discussed_in_the_month_with_national_headers(client, month):
    client.force_login(coordinator_user())
    response = client.get("/datasets/2026/10/cosd.csv")

    assert response.status_code == 200 and 'filename="cosd-mdt-2026-10.csv"' in response["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["CR0010"] for row in table] == [
        month["complete"].patient.nhs_number,
        month["lacking"].patient.nhs_number,
    ]
    first = table[0]
    assert first["CR0100"] == "1950-05-17"
    assert first["MULTIDISCIPLINARY TEAM DISCUSSION DATE (CANCER)"] == "2026-10-14"
    assert first["CR3190"] == "first" and table[1]["CR3190"] == "rediscussion"  # meeting type
    assert first["MDT REVIEW (LOCAL)"] == "full discussion"
    assert first["CR0460"] == "palliative"  # care plan intent
    assert first["CR0470"] == "radiotherapy"  # planned treatment type
    assert first["CR0510"] == "1"  # performance status (adult)
    assert first["CR1450"] == "RXX01"  # organisation site identifier (of provider)
    assert first["DATE OF DECISION TO TREAT (CANCER WAITING TIMES)"] == "2026-10-14"
    assert first["TREATMENT START DATE (CANCER)"] == "2026-10-15"
    assert (
        AccessRecord.objects.filter(kind="report", case_id__in=[month["complete"].pk, month["lacking"].pk]).count() == 2
    )


def test_the_quality_report_lists_what_each_case_lacks(client, month, settings):
    client.force_login(coordinator_user())
    body = client.get("/datasets/2026/10/quality/").content.decode()
    assert f"Case {month['lacking'].pk}" in body and f"Case {month['complete'].pk}<" not in body
    assert "PERFORMANCE STATUS (ADULT); ORGANISATION SITE IDENTIFIER (OF PROVIDER); DATE OF DECISION TO TREAT" in body

    settings.DATASET_PROVIDER_SITE = "RXX01"  # the service's own site fills a blank one
    body = client.get("/datasets/2026/10/quality/").content.decode()
    assert "ORGANISATION SITE IDENTIFIER (OF PROVIDER)" not in body.split("<h2")[0]


def test_only_coordinators_export_the_dataset(client, month):
    for user in (clinician_user(), read_only_user()):
        client.force_login(user)
        assert client.get("/datasets/2026/10/cosd.csv").status_code == 403
    assert not AccessRecord.objects.exists()


def not_discussed_in_october(month) -> AgendaItem:
    """A third October case, listed and not discussed (carried forward): no decision, old dates on its case."""
    case = CaseFactory(ecog=2)
    case.decision_to_treat_at = timezone.make_aware(dt.datetime(2026, 9, 1, 15))
    case.save()
    october = AgendaItem.objects.get(case=month["complete"]).meeting
    return AgendaItem.objects.create(
        meeting=october, case=case, status="not_discussed", source="awaiting_mdt", position=9
    )


def test_the_export_costs_a_fixed_number_of_queries(client, month, django_assert_num_queries):
    client.force_login(coordinator_user())
    client.get("/datasets/2026/10/cosd.csv")
    # session, user, permissions (user's, group's), the agenda items with case, patient and meeting, the
    # decisions (prefetch), the access records (one INSERT)
    with django_assert_num_queries(7):
        client.get("/datasets/2026/10/cosd.csv")

    # more rows of every kind (not discussed, standard of care) cost no more
    not_discussed_in_october(month)
    StandardOfCare.objects.create(
        item=AgendaItem.objects.get(case=month["lacking"]), protocol="Local protocol v1", recorded_by=UserFactory()
    )
    with django_assert_num_queries(7):
        response = client.get("/datasets/2026/10/cosd.csv")
    assert len(response.content.decode().splitlines()) == 4


def test_an_impossible_month_is_404(client):
    client.force_login(coordinator_user())
    assert client.get("/datasets/2026/13/cosd.csv").status_code == 404


def test_the_export_says_which_cases_were_reviewed_against_a_standard_of_care(client, month):
    item = AgendaItem.objects.get(case=month["lacking"])
    StandardOfCare.objects.create(item=item, protocol="Local protocol v1", recorded_by=UserFactory())
    client.force_login(coordinator_user())
    table = list(csv.DictReader(io.StringIO(client.get("/datasets/2026/10/cosd.csv").content.decode())))
    assert [row["MDT REVIEW (LOCAL)"] for row in table] == ["full discussion", "standard of care"]


def test_a_case_not_discussed_is_reported_as_not_discussed_without_decision_items(client, month):
    """Discussed, reviewed against a standard of care, or not discussed: the review column tells them apart,
    and a case not discussed has no decision or treatment to report (nor is one counted as missing)."""
    StandardOfCare.objects.create(
        item=AgendaItem.objects.get(case=month["lacking"]), protocol="Local protocol v1", recorded_by=UserFactory()
    )
    item = not_discussed_in_october(month)
    client.force_login(coordinator_user())

    table = list(csv.DictReader(io.StringIO(client.get("/datasets/2026/10/cosd.csv").content.decode())))
    assert [row["MDT REVIEW (LOCAL)"] for row in table] == ["full discussion", "standard of care", "not discussed"]
    last = table[2]
    assert last["CR0010"] == item.case.patient.nhs_number
    assert last["MULTIDISCIPLINARY TEAM DISCUSSION DATE (CANCER)"] == "2026-10-14"
    assert last["CR0510"] == "2"
    for header in (
        "CR0460",
        "CR0470",
        "CR1450",
        "DATE OF DECISION TO TREAT (CANCER WAITING TIMES)",  # the case's earlier decision is not this meeting's
        "TREATMENT START DATE (CANCER)",
    ):
        assert last[header] == "", header

    body = client.get("/datasets/2026/10/quality/").content.decode()
    assert "3 cases listed at an MDT meeting this month (1 not discussed, carried forward)" in body
    assert f"Case {item.case_id}<" not in body  # nothing missing: no decision was expected


def test_withdrawn_and_still_listed_cases_are_not_in_the_export(client, month):
    october = AgendaItem.objects.get(case=month["complete"]).meeting
    for status in ("withdrawn", "listed"):
        AgendaItem.objects.create(meeting=october, case=CaseFactory(), status=status, source="added")
    client.force_login(coordinator_user())
    table = list(csv.DictReader(io.StringIO(client.get("/datasets/2026/10/cosd.csv").content.decode())))
    assert len(table) == 2


def test_the_headers_are_the_national_identifiers_the_docs_give_and_item_names_elsewhere(client, month):
    client.force_login(coordinator_user())
    header = next(csv.reader(io.StringIO(client.get("/datasets/2026/10/cosd.csv").content.decode())))
    assert header == [
        "CR0010", "LOCAL PATIENT IDENTIFIER", "CR0100", "MULTIDISCIPLINARY TEAM DISCUSSION DATE (CANCER)", "CR3190",
        "MDT REVIEW (LOCAL)", "CR0460", "CR0470", "CR0510", "CR1450",
        "DATE OF DECISION TO TREAT (CANCER WAITING TIMES)", "TREATMENT START DATE (CANCER)",
    ]  # fmt: skip
    body = client.get("/datasets/2026/10/quality/").content.decode()
    assert "CR0510 (PERFORMANCE STATUS (ADULT))" in body  # each identifier named on the quality page


def test_a_coordinator_reaches_each_months_export_and_quality_report_from_the_service_audit(client, month):
    client.force_login(coordinator_user())
    audit = client.get("/reports/").content.decode()
    assert 'href="/datasets/"' in audit

    page = client.get("/datasets/")
    body = page.content.decode()
    assert page.status_code == 200 and not AccessRecord.objects.exists()  # counts only: no patient shown
    assert body.index("November 2026") < body.index("October 2026")  # newest first
    for month_number, cases in ((11, 1), (10, 2)):
        csv_link, quality_link = f"/datasets/2026/{month_number}/cosd.csv", f"/datasets/2026/{month_number}/quality/"
        assert f'href="{csv_link}"' in body and f'href="{quality_link}"' in body
        assert client.get(csv_link).status_code == 200 and client.get(quality_link).status_code == 200
        assert f"<td>{cases}</td>" in body


def test_the_month_list_counts_by_the_local_month_of_the_meeting(client):
    """A meeting at 00:30 on 1 June (British Summer Time) is 23:30 on 31 May in UTC: it is June's."""
    starts = timezone.make_aware(dt.datetime(2026, 6, 1, 0, 30))
    meeting = Meeting.objects.create(starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
                                     agenda_closes_at=starts - dt.timedelta(days=1))  # fmt: skip
    AgendaItem.objects.create(meeting=meeting, case=CaseFactory(), status="not_discussed", source="added")
    client.force_login(coordinator_user())
    body = client.get("/datasets/").content.decode()
    assert "June 2026" in body and "May 2026" not in body


def test_only_those_who_may_export_see_the_link_or_open_the_list(client, month):
    for user in (clinician_user(), read_only_user()):
        client.force_login(user)
        audit = client.get("/reports/")
        assert audit.status_code == 200 and 'href="/datasets/"' not in audit.content.decode()
        assert client.get("/datasets/").status_code == 403
    client.logout()
    assert client.get("/datasets/").status_code == 302  # to sign in


def test_with_nothing_discussed_the_list_says_there_is_nothing_to_report(client):
    client.force_login(coordinator_user())
    assert "there is nothing to report" in client.get("/datasets/").content.decode()
