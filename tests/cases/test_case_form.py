"""The coordinators' case form: sections in the pathway's order, collapsed until relevant; the responsible
clinician an active clinician by name and role, on every path; the MRI report typed on the case form."""

import datetime as dt
import re

import pytest
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus, Presentation
from cases.models import Case
from mdt.models import Member
from tests.admin_forms import admin_post_data
from tests.factories import (
    CaseFactory,
    PatientFactory,
    ScanFactory,
    UserFactory,
    coordinator,
    read_only_user,
    team_user,
)
from tests.referrals.makers import referrer_user

pytestmark = pytest.mark.django_db

SECTIONS = [
    "Referral and presentation",
    "Red flags, neurology and performance status",
    "Imaging",
    "Steroids (dexamethasone)",
    "MDT and decision",
    "Treatment",
    "Outcome after treatment",
]


def typed(prefix, value):
    local = timezone.localtime(value)
    return {f"{prefix}_0": local.strftime("%d/%m/%Y"), f"{prefix}_1": local.strftime("%H:%M:%S")}


@pytest.fixture
def workspace(client):
    client.force_login(coordinator())
    return client


def open_case(client, case):
    response = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert response.status_code == 200
    return response


def collapsed(response) -> dict[str, bool]:
    return {fieldset.name: fieldset.is_collapsible for fieldset in response.context["adminform"]}


def post(client, case, **changes):
    url = reverse("admin:cases_case_change", args=[case.pk])
    return client.post(url, admin_post_data(open_case(client, case), **changes))


# --------------------------------------------------------------------------- sections


@pytest.mark.hazard("HAZ-162")
def test_the_sections_come_in_the_pathways_order_with_the_scans_after_the_neurology(workspace):
    html = open_case(workspace, CaseFactory()).content.decode()
    headings = [h for h in re.findall(r"<h2[^>]*>([^<]+)</h2>", html) if h.strip() in SECTIONS]
    assert [h.strip() for h in headings] == SECTIONS


@pytest.mark.parametrize(
    ("status", "open_sections"),
    [
        (CaseStatus.REFERRED, {"Referral and presentation", "Red flags, neurology and performance status"}),
        (CaseStatus.IMAGING, {"Referral and presentation", "Red flags, neurology and performance status",
                              "MDT and decision"}),
        (CaseStatus.DECIDED, {"Referral and presentation", "Red flags, neurology and performance status",
                              "MDT and decision", "Treatment"}),
        (CaseStatus.FOLLOW_UP, set(SECTIONS) - {"Imaging", "Steroids (dexamethasone)"}),
    ],
)  # fmt: skip
@pytest.mark.hazard("HAZ-162")
def test_sections_the_case_has_not_reached_start_collapsed(workspace, status, open_sections):
    case = CaseFactory(status=status, presentation=Presentation.SUSPECTED_METASTASES, red_flags=[])
    assert {name for name, folded in collapsed(open_case(workspace, case)).items() if not folded} == open_sections


@pytest.mark.hazard("HAZ-162")
def test_a_section_holding_a_recorded_value_or_an_error_is_never_collapsed(workspace):
    case = CaseFactory(
        status=CaseStatus.REFERRED, presentation=Presentation.SUSPECTED_METASTASES, red_flags=[],
        steroids_started_at=timezone.now() - dt.timedelta(hours=3),
    )  # fmt: skip
    folded = collapsed(open_case(workspace, case))
    assert folded["Steroids (dexamethasone)"] is False and folded["Treatment"] is True

    # An outcome typed without its date: the error is in a collapsed section that shares its line.
    response = post(workspace, case, frankel_after_treatment="E")
    assert response.status_code == 200
    assert "Give the date the outcome after treatment was assessed." in response.content.decode()
    assert collapsed(response)["Outcome after treatment"] is False


def test_a_suspected_mscc_case_shows_its_steroids_section_open(workspace):
    case = CaseFactory(status=CaseStatus.REFERRED, presentation=Presentation.SUSPECTED_MSCC)
    assert collapsed(open_case(workspace, case))["Steroids (dexamethasone)"] is False


# --------------------------------------------------------------------------- the responsible clinician


def person(username, role, first, last):
    user = team_user(username, role)
    user.first_name, user.last_name = first, last
    user.save()
    return user


@pytest.fixture
def people():
    left = person("left", Member.Role.SPINAL_SURGEON, "Huw", "Morgan")
    left.member.active = False
    left.member.save()
    return {
        "carys": person("carys", Member.Role.ONCOLOGIST, "Carys", "Evans"),
        "nurse": person("nurse", Member.Role.NURSE_SPECIALIST, "Bethan", "Price"),
        "left": left,
        "coordinator": person("coord", Member.Role.MDT_COORDINATOR, "Ceri", "Jones"),
        "auditor": read_only_user("auditor2"),
        "admin": UserFactory(username="admin2", is_superuser=True, is_staff=True),
        "referrer": referrer_user("referrer2"),
    }


def picker(response) -> dict[str, str]:
    field = response.context["adminform"].form.fields["responsible_clinician"]
    return {label: str(value) for value, label in field.choices if value != ""}


@pytest.mark.hazard("HAZ-161")
def test_the_picker_lists_active_clinicians_by_name_and_role_only(workspace, people):
    choices = picker(open_case(workspace, CaseFactory()))
    assert choices == {
        "Carys Evans (Oncologist)": str(people["carys"].pk),
        "Bethan Price (Nurse specialist)": str(people["nurse"].pk),
    }


@pytest.mark.hazard("HAZ-161")
def test_a_clinician_who_left_stays_named_on_their_cases_until_changed(workspace, people):
    case = CaseFactory(responsible_clinician=people["carys"])
    Member.objects.filter(user=people["carys"]).update(active=False)
    assert "Carys Evans (Oncologist, left the team)" in picker(open_case(workspace, case))

    assert post(workspace, case, referrer="Dr Okafor").status_code == 302
    case.refresh_from_db()
    assert case.responsible_clinician == people["carys"] and case.referrer == "Dr Okafor"


@pytest.mark.parametrize("who", ["coordinator", "auditor", "admin", "referrer", "left"])
@pytest.mark.hazard("HAZ-161")
def test_a_non_clinician_is_refused_on_the_case_form_with_a_message_on_the_field(workspace, people, who):
    case = CaseFactory()
    response = post(workspace, case, responsible_clinician=str(people[who].pk))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["responsible_clinician"]
    assert "Choose an active clinician of the team" in errors[0]
    case.refresh_from_db()
    assert case.responsible_clinician is None


@pytest.mark.parametrize("who", ["coordinator", "auditor", "admin", "referrer", "left"])
@pytest.mark.hazard("HAZ-161")
def test_no_path_assigns_a_case_to_a_non_clinician(people, who):
    case = CaseFactory()
    case.responsible_clinician = people[who]
    with pytest.raises(ValidationError) as validated:
        case.full_clean()
    assert "not an active clinician of the team" in validated.value.message_dict["responsible_clinician"][0]
    with pytest.raises(ValidationError) as saved:
        case.save()
    assert "responsible_clinician" in saved.value.message_dict
    with pytest.raises(ValidationError):
        CaseFactory(responsible_clinician=people[who])
    assert Case.objects.get(pk=case.pk).responsible_clinician is None


@pytest.mark.hazard("HAZ-161")
def test_the_patients_case_rows_refuse_a_non_clinician_too(workspace, people):
    patient = PatientFactory()
    case = CaseFactory(patient=patient)
    url = reverse("admin:cases_patient_change", args=[patient.pk])
    data = admin_post_data(workspace.get(url), **{"cases-0-responsible_clinician": str(people["coordinator"].pk)})
    response = workspace.post(url, data)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.responsible_clinician is None
    data = admin_post_data(workspace.get(url), **{"cases-0-responsible_clinician": str(people["nurse"].pk)})
    assert workspace.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.responsible_clinician == people["nurse"]


# --------------------------------------------------------------------------- the MRI report on the case form


def test_a_report_before_the_scan_was_performed_is_refused_naming_the_field(workspace):
    case = CaseFactory(status=CaseStatus.IMAGING)
    scan = ScanFactory(case=case, performed=True)
    response = post(
        workspace,
        case,
        **typed("scans-0-reported_at", scan.performed_at - dt.timedelta(hours=1)),
        **{"scans-0-report": "No compression."},
    )
    assert response.status_code == 200
    assert "A scan cannot be reported before it was performed." in response.content.decode()
    scan.refresh_from_db()
    assert scan.report == "" and scan.reported_at is None
    assert Case.objects.get(pk=case.pk).status == CaseStatus.IMAGING


@pytest.mark.hazard("HAZ-002")
def test_a_report_typed_on_a_form_opened_before_another_change_to_the_scan_is_refused(workspace):
    case = CaseFactory(status=CaseStatus.IMAGING)
    scan = ScanFactory(case=case, performed=True)
    page = open_case(workspace, case)
    scan.report, scan.reported_at = "Reported by the PAS feed.", scan.performed_at + dt.timedelta(hours=1)
    scan.version += 1
    scan.save()

    changes = {"scans-0-report": "Typed by the coordinator."} | typed("scans-0-reported_at", timezone.now())
    response = workspace.post(reverse("admin:cases_case_change", args=[case.pk]), admin_post_data(page, **changes))

    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in response.content.decode()
    scan.refresh_from_db()
    assert scan.report == "Reported by the PAS feed."


# --------------------------------------------------------------------------- previous radiotherapy


def test_previous_radiotherapy_to_the_spine_is_recorded_in_the_treatment_section_and_shown_on_the_case(workspace):
    case = CaseFactory(status=CaseStatus.AWAITING_MDT, presentation=Presentation.SUSPECTED_METASTASES, red_flags=[])
    assert case.previous_spinal_rt == "unknown"  # not known until someone records it
    response = open_case(workspace, case)
    treatment = next(fs for fs in response.context["adminform"] if fs.name == "Treatment")
    assert {"previous_spinal_rt", "previous_rt_detail"} <= set(
        flatten_fieldsets([(None, {"fields": treatment.fields})])
    )
    assert collapsed(response)["Treatment"] is True  # "not known" is nothing recorded

    refused = post(workspace, case, previous_spinal_rt="no", previous_rt_detail="T10")
    assert refused.status_code == 200
    assert "No previous radiotherapy to the spine: leave the area blank, or choose Yes." in refused.content.decode()
    assert collapsed(refused)["Treatment"] is False
    case.refresh_from_db()
    assert (case.previous_spinal_rt, case.previous_rt_detail) == ("unknown", "")

    saved = post(workspace, case, previous_spinal_rt="yes", previous_rt_detail="T10-L1, 20 Gy/5, March 2025")
    assert saved.status_code == 302
    case.refresh_from_db()
    assert (case.previous_spinal_rt, case.previous_rt_detail) == ("yes", "T10-L1, 20 Gy/5, March 2025")
    assert [h.previous_spinal_rt for h in case.history.order_by("history_id")][-2:] == ["unknown", "yes"]
    assert collapsed(open_case(workspace, case))["Treatment"] is False

    page = workspace.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert re.search(r"Previous radiotherapy to the spine</dt><dd[^>]*>Yes: T10-L1, 20 Gy/5, March 2025</dd>", page)
