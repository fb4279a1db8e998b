"""The service audit pages and exports: who may see them, what they show, and how many queries they run."""

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.urls import reverse

from accounts.models import AccessRecord
from cases.choices import AmbulatoryStatus, PrimarySite
from mdt.models import AgendaItem
from tests.factories import (
    AgendaItemFactory,
    PatientFactory,
    clinician_user,
    coordinator_user,
    decision,
    local,
    metastases_case,
    mscc_case,
    no_role_user,
    radiotherapy_case,
    read_only_user,
)

pytestmark = pytest.mark.django_db

NOW = local(2026, 8, 20, 12, 0)
Q2 = {"start": "2026-04-01", "end": "2026-06-30"}  # "last quarter" on NOW
URLS = [
    reverse("report"),
    reverse("report-breaches", args=["mri_24h"]),
    reverse("report-measures-csv"),
    reverse("report-cases-csv"),
    reverse("report-pdf"),
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def quarter():
    """Q2 2026: three MRI-24h cases (one late, one never scanned), a week case, a radiotherapy case."""
    start = local(2026, 5, 12, 8, 0)
    on_time = mscc_case(start, mri_at=start + dt.timedelta(hours=5), patient=PatientFactory(family_name="Ontime"))
    late = mscc_case(
        start, mri_at=start + dt.timedelta(hours=26, minutes=30), patient=PatientFactory(family_name="Latebird")
    )
    never = mscc_case(local(2026, 6, 29, 9, 0), patient=PatientFactory(family_name="Neverscan", mrn="=HYPERLINK()"))
    metastases_case(start, mri_at=start + dt.timedelta(days=1), plan_at=start + dt.timedelta(days=2))
    radiotherapy_case(start, started=start + dt.timedelta(hours=30))
    mscc_case(local(2026, 3, 31, 9, 0))  # the quarter before
    return {"on_time": on_time, "late": late, "never": never}


# Permissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", URLS)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", URLS)
def test_a_user_without_a_role_is_refused(client, url):
    client.force_login(no_role_user())

    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "make", [coordinator_user, read_only_user, clinician_user], ids=["coordinator", "auditor", "clinician"]
)
@pytest.mark.parametrize("url", URLS)
def test_coordinators_auditors_and_clinicians_may_open_every_page_and_nothing_is_cached(client, make, url):
    client.force_login(make())

    response = client.get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_pages_are_read_only(client):
    client.force_login(coordinator_user())

    assert client.post(reverse("report")).status_code == 405


def test_the_navbar_shows_reports_to_those_who_may_open_them(client):
    client.force_login(read_only_user())
    assert b'href="/reports/"' in client.get(reverse("dashboard")).content

    client.force_login(no_role_user())
    assert b'href="/reports/"' not in client.get(reverse("dashboard")).content


# The page ----------------------------------------------------------------------------------------


def test_it_answers_what_share_got_their_mri_within_24_hours_last_quarter_and_links_to_who_missed_it(client, quarter):
    client.force_login(coordinator_user())

    response = client.get(reverse("report"), {"period": "last_quarter"})

    page = response.content.decode()
    assert "1 Apr 2026 to 30 Jun 2026" in page
    assert re.search(r'id="mri_24h-percent">33\.3%<', page)  # the one never scanned is a breach too
    assert "<strong>1</strong> of <strong>3</strong> met the target of 24 hours" in page
    assert "2 breaches — see who" in page
    assert 'href="/reports/breaches/mri_24h/?start=2026-04-01&amp;end=2026-06-30"' in page
    assert "Cohort: cases presenting as suspected MSCC with neurology" in page  # the definition, under the measure


def test_the_period_and_filters_come_from_the_form(client, quarter):
    client.force_login(coordinator_user())

    response = client.get(reverse("report"), {**Q2, "primary_site": PrimarySite.LUNG_NSCLC})

    assert response.context["report"].measures[0].total.denominator == 0
    assert "Lung, non-small cell · All presentations" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-06-30", "end": "2026-04-01"}, "The start date is after the end date."),
        ({"start": "2026-04-01"}, "Give both dates, or choose a quick range."),
        ({"start": "2000-01-01", "end": "2026-01-01"}, "at most 10 years"),
        ({"period": "next_decade"}, "Select a valid choice"),
    ],
)
def test_it_explains_a_range_it_cannot_use(client, params, message):
    client.force_login(coordinator_user())

    response = client.get(reverse("report"), params)

    assert response.status_code == 400 and message in response.content.decode()
    assert client.get(reverse("report-measures-csv"), params).status_code == 400


def test_the_page_draws_its_charts_as_svg_without_script_or_style_attributes(client, quarter):
    client.force_login(coordinator_user())
    decision(quarter["late"], local(2026, 5, 13, 10), ["cebrt", "steroids"])

    page = client.get(reverse("report"), Q2).content.decode()

    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="report-chart"') == 4  # 3 trends, decisions
    assert '<title id="trend-mri_24h-title">' in page and "Conventional radiotherapy (cEBRT): 1" in page
    assert " style=" not in page and "<script>" not in page


# The breach list -------------------------------------------------------------------------------


def test_the_breach_list_shows_who_missed_the_target_by_how_long_and_records_the_access(client, quarter):
    coordinator = coordinator_user()
    client.force_login(coordinator)

    response = client.get(reverse("report-breaches", args=["mri_24h"]), Q2)

    page = response.content.decode()
    assert "LATEBIRD" in page and "NEVERSCAN" in page and "ONTIME" not in page
    assert "2 h 30 min" in page  # the late MRI: 26.5 hours after the start
    assert "not yet" in page and "and counting" in page  # never scanned, past due
    assert page.index("LATEBIRD") < page.index("NEVERSCAN")  # earliest clock start first
    records = AccessRecord.objects.filter(user=coordinator, kind=AccessRecord.Kind.REPORT)
    assert {r.case_id for r in records} == {quarter["late"].pk, quarter["never"].pk}


def test_a_read_only_auditor_sees_the_mrn_and_case_number_but_no_names(client, quarter):
    client.force_login(read_only_user())

    page = client.get(reverse("report-breaches", args=["mri_24h"]), Q2).content.decode()

    assert quarter["late"].patient.mrn in page and f"Case {quarter['late'].pk}" in page
    assert "LATEBIRD" not in page and "Latebird" not in page


def test_a_clinician_sees_names(client, quarter):
    client.force_login(clinician_user())

    assert "LATEBIRD" in client.get(reverse("report-breaches", args=["mri_24h"]), Q2).content.decode()


def test_the_breach_list_comes_in_pages(client):
    client.force_login(coordinator_user())
    for hour in range(55):
        mscc_case(local(2026, 5, 1, 0) + dt.timedelta(hours=hour))  # never scanned: all breaches

    first = client.get(reverse("report-breaches", args=["mri_24h"]), Q2)
    second = client.get(reverse("report-breaches", args=["mri_24h"]), {**Q2, "page": 2})

    assert len(first.context["page"]) == 50 and first.context["page"].has_next
    assert len(second.context["page"]) == 5 and not second.context["page"].has_next


def test_an_unknown_measure_is_not_found(client):
    client.force_login(coordinator_user())

    assert client.get(reverse("report-breaches", args=["dexamethasone"])).status_code == 404
    assert client.get(reverse("report-cases-csv"), {"measure": "dexamethasone"}).status_code == 400


# CSV -----------------------------------------------------------------------------------------


def rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_the_measures_csv_has_the_totals_and_each_month(client, quarter):
    client.force_login(coordinator_user())

    response = client.get(reverse("report-measures-csv"), Q2)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="service-audit-measures-2026-04-01-to-2026-06-30.csv"' in response["Content-Disposition"]
    table = {(row["measure"], row["month"]): row for row in rows(response)}
    total = table[("mri_24h", "all")]
    assert (total["met"], total["breach"], total["pending"], total["denominator"]) == ("1", "2", "0", "3")
    assert total["percent_met"] == "33.3" and total["target"] == "24 hours"
    assert table[("mri_24h", "2026-05")]["breach"] == "1" and table[("mri_24h", "2026-06")]["breach"] == "1"
    assert table[("mri_24h", "2026-04")]["denominator"] == "0"
    assert set(measure for measure, _ in table) == {"mri_24h", "mri_plan_1w", "rt_24h"}


def test_the_cases_csv_has_dates_and_results_and_never_a_name_or_nhs_number(client, quarter):
    client.force_login(coordinator_user())

    response = client.get(reverse("report-cases-csv"), {**Q2, "measure": "mri_24h"})

    found = rows(response)
    text = str(found)
    assert [row["result"] for row in found] == ["met", "breach", "breach"]
    assert found[1]["case_id"] == str(quarter["late"].pk) and found[1]["mrn"] == quarter["late"].patient.mrn
    assert found[1]["clock_start"] == "2026-05-12T08:00:00+01:00"
    assert found[1]["first_whole_spine_mri"] == "2026-05-13T10:30:00+01:00"
    assert found[2]["mrn"] == "'=HYPERLINK()"  # a spreadsheet will not run it as a formula
    for patient in (quarter["late"].patient, quarter["never"].patient):
        assert patient.family_name not in text and patient.given_name not in text and patient.nhs_number not in text
    assert set(found[0]) >= {"clock_start", "due", "stopped", "treatment_plan_agreed", "treatment_start"}


def test_the_cases_csv_without_a_measure_has_every_measure_and_records_the_access(client, quarter):
    auditor = read_only_user()
    client.force_login(auditor)

    found = rows(client.get(reverse("report-cases-csv"), Q2))

    assert sorted({row["measure"] for row in found}) == ["mri_24h", "mri_plan_1w", "rt_24h"]
    assert AccessRecord.objects.filter(user=auditor, kind=AccessRecord.Kind.REPORT).count() == len(found) == 5


def test_the_cases_csv_leaves_out_the_mrn_for_a_role_that_may_not_see_patients(client, quarter, monkeypatch):
    user = read_only_user()
    client.force_login(user)
    monkeypatch.setattr("accounts.policy.can_see_mrn", lambda user: False)

    found = rows(client.get(reverse("report-cases-csv"), {**Q2, "measure": "mri_24h"}))

    assert "mrn" not in found[0] and quarter["late"].patient.mrn not in str(found)


# PDF -----------------------------------------------------------------------------------------


def text(box) -> str:
    own = getattr(box, "text", "") or ""
    return own + "".join(text(child) for child in getattr(box, "children", []))


@pytest.fixture
def laid_out(monkeypatch):
    """The text of each page of every PDF written, from WeasyPrint's layout (the PDF itself is compressed)."""
    from weasyprint.document import Document

    documents: list[list[str]] = []
    write_pdf = Document.write_pdf

    def recording(self, *args, **kwargs):
        documents.append([text(page._page_box) for page in self.pages])
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(Document, "write_pdf", recording)
    return documents


def test_the_whole_report_prints_as_a_pdf_with_page_numbers_and_no_patient_identifiers(client, quarter, laid_out):
    client.force_login(coordinator_user())

    response = client.get(reverse("report-pdf"), Q2)

    assert response["Content-Type"] == "application/pdf"
    assert 'filename="service-audit-2026-04-01-to-2026-06-30.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    [pages] = laid_out
    assert len(pages) > 0
    assert all(f"Page {number} of {len(pages)}" in page for number, page in enumerate(pages, start=1))
    whole = " ".join(pages)
    assert "33.3%" in whole and "1 of 3 met the target of 24 hours" in whole
    assert "Scores support, not predict, individual decisions." in whole
    for case in quarter.values():
        assert case.patient.mrn not in whole and case.patient.family_name.upper() not in whole


# Queries -----------------------------------------------------------------------------------------


def service(cases: int) -> None:
    """`cases` cases in each cohort, with scans, decisions, an agenda, outcomes and deaths, across the quarter."""
    for index in range(cases):
        start = local(2026, 4, 1, 9) + dt.timedelta(hours=36 * index)
        mscc_case(start, mri_at=start + dt.timedelta(hours=index % 30))
        case = metastases_case(
            start,
            mri_at=start + dt.timedelta(days=1),
            plan_at=start + dt.timedelta(days=index % 9),
            frankel_grade="C",
            frankel_after_treatment="D",
            ambulatory_status=AmbulatoryStatus.NOT_WALKING,
            ambulatory_after_treatment=AmbulatoryStatus.WALKS_WITH_AID,
            outcome_assessed_on=start.date() + dt.timedelta(days=10),
            patient=PatientFactory(died_on=(start + dt.timedelta(days=20)).date() if index % 4 == 0 else None),
        )
        radiotherapy_case(start, started=start + dt.timedelta(hours=index * 7 % 40))
        decided = decision(case, start + dt.timedelta(days=3), ["cebrt", "steroids"])
        AgendaItemFactory(case=case, status=AgendaItem.Status.DISCUSSED, meeting__starts_at=start)
        assert decided.pk


@pytest.mark.parametrize("cases", [10, 60])
def test_the_report_runs_the_same_queries_for_ten_cases_or_sixty(client, django_assert_max_num_queries, cases):
    client.force_login(coordinator_user())
    service(cases)

    # session, user, user permissions, group permissions, member (navbar); outcomes: Frankel and walking
    # (one grouped query); the stored months of every figure (one query); the months counted live: survival
    # (one query), referral to decision (one grouped query), each measure (one grouped query); referrals;
    # decisions by treatment; meetings with counts and quorum. (It was 17: referral to decision took three.)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("report"), Q2)

    assert response.context["report"].measures[0].total.denominator == cases


@pytest.mark.parametrize("cases", [10, 60])
def test_the_breach_list_runs_the_same_queries_for_ten_cases_or_sixty(client, django_assert_max_num_queries, cases):
    client.force_login(coordinator_user())
    service(cases)

    # session, user, user permissions, group permissions, a page of breaches with patients, the access
    # records (one INSERT), member (navbar)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("report-breaches", args=["rt_24h"]), Q2)

    assert len(response.context["page"]) == min(sum(index * 7 % 40 > 24 for index in range(cases)), 50) > 0
