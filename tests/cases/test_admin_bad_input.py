"""Bad input typed into the coordinators' workspace (Django admin) is refused, explained, and never saved."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus, Modality, Presentation
from cases.models import Case, Patient, Scan
from tests.factories import CaseFactory, PatientFactory, ScanFactory, clinician, coordinator

pytestmark = pytest.mark.django_db

VALID_NHS = "9434765919"


def typed_date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")  # as the en-GB admin shows and reads dates


def typed_datetime(prefix: str, value: dt.datetime | None) -> dict[str, str]:
    """The two boxes (date, time) of an admin date-time field, in the service's local time."""
    if value is None:
        return {f"{prefix}_0": "", f"{prefix}_1": ""}
    local = timezone.localtime(value)
    return {f"{prefix}_0": typed_date(local.date()), f"{prefix}_1": local.strftime("%H:%M:%S")}


def management_form(prefix: str) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def patient_form(**overrides) -> dict[str, str]:
    return {
        "mrn": "RX100200",
        "nhs_number": "",
        "given_name": "Ada",
        "family_name": "Byron",
        "date_of_birth": "17/05/1950",
        "sex": "female",
        "primary_site": "breast",
        "primary_site_detail": "",
        "died_on": "",
        "gp_name": "",
        "gp_practice": "",
        "gp_address": "",
        **management_form("cases"),
        **overrides,
    }


def case_form(patient: Patient, **overrides) -> dict:
    return {
        "patient": str(patient.pk),
        **typed_datetime("referred_at", timezone.now() - dt.timedelta(hours=6)),
        "referrer": "Dr Okafor, acute oncology",
        "status": CaseStatus.REFERRED,
        "responsible_clinician": "",
        "presentation": Presentation.SUSPECTED_MSCC,
        "red_flags": ["limb_weakness", "nocturnal_pain"],
        **typed_datetime("suspected_diagnosis_at", None),
        "frankel_grade": "",
        "asia_grade": "",
        "ambulatory_status": "",
        "ecog": "",
        "karnofsky": "",
        "spinal_levels": "",
        "mdt_question": "",
        **management_form("scans"),
        **overrides,
    }


def scan_form(case: Case, **times: dt.datetime | None) -> dict:
    requested_at = times.pop("requested_at", timezone.now() - dt.timedelta(days=2))
    data = {
        "case": str(case.pk),
        "modality": Modality.MRI_WHOLE_SPINE,
        **typed_datetime("requested_at", requested_at),
        "report": "",
        "escc_grade": "",
        "escc_level": "",
        "reviewed_by": "",
    }
    for field in ("performed_at", "reported_at", "reviewed_at"):
        data.update(typed_datetime(field, times.pop(field, None)))
    assert not times, f"unknown fields {times}"
    return data


def form_errors(response) -> dict[str, list[str]]:
    assert response.status_code == 200, "the form should be shown again with its errors"
    return response.context["adminform"].form.errors


@pytest.fixture
def coordinator_client(client):
    client.force_login(coordinator())
    return client


def add_patient(client, **overrides):
    return client.post(reverse("admin:cases_patient_add"), patient_form(**overrides))


def add_case(client, patient, **overrides):
    return client.post(reverse("admin:cases_case_add"), case_form(patient, **overrides))


def add_scan(client, case, **times):
    return client.post(reverse("admin:cases_scan_add"), scan_form(case, **times))


# --------------------------------------------------------------------------- the forms as rendered


def test_it_renders_the_add_forms_with_the_inline_prefixes_these_tests_post(coordinator_client):
    patient_page = coordinator_client.get(reverse("admin:cases_patient_add")).content.decode()
    case_page = coordinator_client.get(reverse("admin:cases_case_add")).content.decode()

    assert 'name="cases-TOTAL_FORMS"' in patient_page
    assert 'name="scans-TOTAL_FORMS"' in case_page
    assert 'name="referred_at_0"' in case_page
    assert 'name="referred_at_1"' in case_page


# --------------------------------------------------------------------------- patient


def test_it_saves_a_complete_patient(coordinator_client):
    response = add_patient(coordinator_client, nhs_number=VALID_NHS)

    assert response.status_code == 302
    patient = Patient.objects.get(mrn="RX100200")
    assert (patient.family_name, patient.date_of_birth, patient.nhs_number) == (
        "Byron",
        dt.date(1950, 5, 17),
        VALID_NHS,
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9434765918", "This is not a valid NHS number: its check digit is wrong. Check it was typed correctly."),
        ("943476591", "An NHS number has 10 digits; this one has 9."),
        ("94347659190", "An NHS number has 10 digits; this one has 11."),
        ("943 476 591", "An NHS number has 10 digits; this one has 9."),
        (
            "943476591A",
            "An NHS number has digits only (spaces and dashes are fine): 943476591A has other characters.",
        ),
    ],
)
def test_it_refuses_a_patient_with_a_bad_nhs_number(coordinator_client, typed, message):
    response = add_patient(coordinator_client, nhs_number=typed)

    errors = form_errors(response)
    assert errors == {"nhs_number": [message]}
    assert Patient.objects.count() == 0


def test_it_refuses_an_nhs_number_with_a_superscript_digit_instead_of_failing(coordinator_client):
    # "²" passes str.isdigit() but int("²") raises ValueError: a validator trusting isdigit() gives a server error.
    response = add_patient(coordinator_client, nhs_number="943 476 591²")

    assert list(form_errors(response)) == ["nhs_number"]
    assert Patient.objects.count() == 0


@pytest.mark.parametrize("typed", ["943 476 5919", "943-476-5919", " 943 476 5919 "])
def test_it_accepts_an_nhs_number_typed_with_spaces_or_dashes_and_stores_10_digits(coordinator_client, typed):
    response = add_patient(coordinator_client, nhs_number=typed)

    assert response.status_code == 302
    assert Patient.objects.get(mrn="RX100200").nhs_number == VALID_NHS


def test_it_never_stores_an_nhs_number_in_other_scripts_digits(coordinator_client):
    # Full-width digits (pasted from some documents) pass str.isdigit(): if stored as they are, the same NHS
    # number can be recorded twice and no search by the ASCII digits finds it.
    PatientFactory(mrn="RX000001", nhs_number=VALID_NHS)
    full_width = "".join(chr(0xFF10 + int(digit)) for digit in VALID_NHS)  # FULLWIDTH DIGIT ZERO is U+FF10

    add_patient(coordinator_client, nhs_number=full_width)

    assert list(Patient.objects.order_by("nhs_number").values_list("nhs_number", flat=True)) == [VALID_NHS]


def test_it_refuses_a_date_of_birth_in_the_future(coordinator_client):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    response = add_patient(coordinator_client, date_of_birth=typed_date(tomorrow))

    assert form_errors(response) == {"date_of_birth": ["Date of birth cannot be in the future."]}
    assert Patient.objects.count() == 0


def test_it_accepts_a_date_of_birth_of_today(coordinator_client):
    response = add_patient(coordinator_client, date_of_birth=typed_date(timezone.localdate()))

    assert response.status_code == 302
    assert Patient.objects.count() == 1


@pytest.mark.parametrize("typed", ["31/12/1899", "17/05/1850"])
def test_it_refuses_a_date_of_birth_before_1900(coordinator_client, typed):
    response = add_patient(coordinator_client, date_of_birth=typed)

    assert form_errors(response) == {"date_of_birth": ["Date of birth cannot be before 1900."]}
    assert Patient.objects.count() == 0


@pytest.mark.hazard("HAZ-001")
def test_it_refuses_a_second_patient_with_the_same_mrn(coordinator_client):
    PatientFactory(mrn="RX100200")

    response = add_patient(coordinator_client, mrn="RX100200")

    assert form_errors(response) == {"mrn": ["A patient with this MRN already exists."]}
    assert Patient.objects.count() == 1


@pytest.mark.hazard("HAZ-020")
@pytest.mark.parametrize("typed", [VALID_NHS, "943 476 5919", "943-476-5919"])
def test_it_refuses_a_second_patient_with_the_same_nhs_number_however_it_is_typed(coordinator_client, typed):
    PatientFactory(mrn="RX000001", nhs_number=VALID_NHS)

    response = add_patient(coordinator_client, nhs_number=typed)

    assert form_errors(response) == {"nhs_number": ["A patient with this NHS number already exists."]}
    assert Patient.objects.count() == 1


def test_it_saves_patients_whose_nhs_number_is_not_known(coordinator_client):
    first = add_patient(coordinator_client, mrn="RX000001", nhs_number="")
    second = add_patient(coordinator_client, mrn="RX000002", nhs_number="   ")

    assert (first.status_code, second.status_code) == (302, 302)
    assert list(Patient.objects.order_by("mrn").values_list("mrn", "nhs_number")) == [
        ("RX000001", None),
        ("RX000002", None),
    ]


def test_it_refuses_a_bad_nhs_number_on_the_change_form_and_keeps_the_old_one(coordinator_client):
    patient = PatientFactory(mrn="RX100200", nhs_number=VALID_NHS, family_name="Byron")

    response = coordinator_client.post(
        reverse("admin:cases_patient_change", args=[patient.pk]),
        # the edit form carries the version it was opened at (stale-edit protection)
        patient_form(nhs_number="9434765918", family_name="Changed", loaded_version=str(patient.version)),
    )

    assert list(form_errors(response)) == ["nhs_number"]
    patient.refresh_from_db()
    assert (patient.nhs_number, patient.family_name) == (VALID_NHS, "Byron")


# --------------------------------------------------------------------------- case


def test_it_saves_a_complete_case(coordinator_client):
    patient = PatientFactory()

    response = add_case(coordinator_client, patient, karnofsky="60", ecog="2", spinal_levels="T4, T6-T8")

    assert response.status_code == 302
    case = Case.objects.get(patient=patient)
    assert case.karnofsky == 60
    assert case.ecog == 2
    assert case.spinal_levels == ["T4", "T6", "T7", "T8"]
    assert case.red_flags == ["limb_weakness", "nocturnal_pain"]


@pytest.mark.parametrize("typed", ["55", "105", "110"])
def test_it_refuses_a_karnofsky_that_is_not_a_multiple_of_10_up_to_100(coordinator_client, typed):
    patient = PatientFactory()

    response = add_case(coordinator_client, patient, karnofsky=typed)

    assert form_errors(response) == {
        "karnofsky": [f"Karnofsky performance status is a multiple of 10 from 0 to 100; {typed} is not."]
    }
    assert Case.objects.count() == 0


@pytest.mark.hazard("HAZ-013")
def test_it_refuses_ecog_6(coordinator_client):
    patient = PatientFactory()

    response = add_case(coordinator_client, patient, ecog="6")

    errors = form_errors(response)
    assert list(errors) == ["ecog"]
    assert "6 is not one of the available choices" in errors["ecog"][0]
    assert Case.objects.count() == 0


@pytest.mark.parametrize(("typed", "bad_level"), [("T13", "T13"), ("L6", "L6"), ("T4, L6", "L6"), ("T11-T13", "T13")])
def test_it_refuses_a_spinal_level_that_does_not_exist_naming_it(coordinator_client, typed, bad_level):
    patient = PatientFactory()

    response = add_case(coordinator_client, patient, spinal_levels=typed)

    errors = form_errors(response)
    assert list(errors) == ["spinal_levels"]
    assert f"'{bad_level}' is not a spinal level" in errors["spinal_levels"][0]
    assert Case.objects.count() == 0


@pytest.mark.hazard("HAZ-017")
def test_it_refuses_suspected_metastases_without_neurology_when_a_neurological_red_flag_is_ticked(
    coordinator_client,
):
    patient = PatientFactory()

    response = add_case(
        coordinator_client,
        patient,
        presentation=Presentation.SUSPECTED_METASTASES,
        red_flags=["nocturnal_pain", "limb_weakness"],
    )

    assert form_errors(response) == {
        "presentation": [
            "Neurological red flags are recorded (limb weakness): this is suspected MSCC with neurology, "
            "not suspected spinal metastases without neurology. "
            "Choose 'Suspected MSCC with neurology' so the 24-hour whole-spine MRI clock runs."
        ]
    }
    assert Case.objects.count() == 0


def test_it_accepts_suspected_metastases_without_neurology_with_pain_red_flags_only(coordinator_client):
    patient = PatientFactory()

    response = add_case(
        coordinator_client,
        patient,
        presentation=Presentation.SUSPECTED_METASTASES,
        red_flags=["nocturnal_pain", "pain_on_straining"],
    )

    assert response.status_code == 302
    assert Case.objects.get().presentation == Presentation.SUSPECTED_METASTASES


def test_it_refuses_a_bad_karnofsky_on_the_change_form_and_keeps_the_old_value(coordinator_client):
    case = CaseFactory(karnofsky=70)

    response = coordinator_client.post(
        reverse("admin:cases_case_change", args=[case.pk]),
        case_form(case.patient, karnofsky="65", loaded_version=str(case.version)),
    )

    assert list(form_errors(response)) == ["karnofsky"]
    case.refresh_from_db()
    assert case.karnofsky == 70


# --------------------------------------------------------------------------- scan


def test_it_saves_a_scan_performed_and_reported_in_order_and_leaves_the_review_to_the_reviewer(coordinator_client):
    case = CaseFactory()
    radiologist = clinician()
    now = timezone.now()
    data = scan_form(
        case,
        requested_at=now - dt.timedelta(days=2),
        performed_at=now - dt.timedelta(days=1),
        reported_at=now - dt.timedelta(hours=20),
        reviewed_at=now - dt.timedelta(hours=2),
    )
    data["reviewed_by"] = str(radiologist.pk)  # not a field of the workspace's form: ignored

    response = coordinator_client.post(reverse("admin:cases_scan_add"), data)

    assert response.status_code == 302
    scan = Scan.objects.get(case=case)
    assert scan.requested_at < scan.performed_at < scan.reported_at
    assert scan.reviewed_by is None and scan.reviewed_at is None  # the review is cases.services' alone


@pytest.mark.hazard("HAZ-013")
def test_it_refuses_a_scan_performed_before_it_was_requested(coordinator_client):
    case = CaseFactory()
    now = timezone.now()

    response = add_scan(
        coordinator_client, case, requested_at=now - dt.timedelta(days=1), performed_at=now - dt.timedelta(days=2)
    )

    assert form_errors(response) == {"performed_at": ["A scan cannot be performed before it was requested."]}
    assert Scan.objects.count() == 0


def test_it_refuses_a_scan_performed_in_the_future(coordinator_client):
    case = CaseFactory()

    response = add_scan(coordinator_client, case, performed_at=timezone.now() + dt.timedelta(days=1))

    assert form_errors(response) == {"performed_at": ["A scan cannot be performed in the future."]}
    assert Scan.objects.count() == 0


def test_it_refuses_a_scan_reported_before_it_was_performed(coordinator_client):
    case = CaseFactory()
    now = timezone.now()

    response = add_scan(
        coordinator_client, case, performed_at=now - dt.timedelta(hours=5), reported_at=now - dt.timedelta(hours=6)
    )

    assert form_errors(response) == {"reported_at": ["A scan cannot be reported before it was performed."]}
    assert Scan.objects.count() == 0


def test_it_refuses_a_scan_reported_with_no_performed_time(coordinator_client):
    case = CaseFactory()

    response = add_scan(coordinator_client, case, reported_at=timezone.now() - dt.timedelta(hours=1))

    assert form_errors(response) == {"reported_at": ["A scan cannot be reported before it has been performed."]}
    assert Scan.objects.count() == 0


def test_it_refuses_a_scan_reviewed_before_it_was_performed():
    now = timezone.now()
    scan = ScanFactory.build(
        case=CaseFactory(), performed_at=now - dt.timedelta(hours=5), reviewed_at=now - dt.timedelta(hours=6)
    )
    scan.reviewed_by = clinician()

    with pytest.raises(ValidationError) as exc:
        scan.full_clean()

    assert exc.value.message_dict == {"reviewed_at": ["A scan cannot be reviewed before it was performed."]}


def test_it_refuses_a_review_time_without_the_reviewer():
    now = timezone.now()
    scan = ScanFactory.build(
        case=CaseFactory(), performed_at=now - dt.timedelta(hours=5), reviewed_at=now - dt.timedelta(hours=1)
    )

    with pytest.raises(ValidationError) as exc:
        scan.full_clean()

    assert exc.value.message_dict == {"reviewed_by": ["Name who reviewed the scan."]}


def test_it_refuses_a_scan_inline_on_the_case_form_performed_before_it_was_requested(coordinator_client):
    case = CaseFactory()
    now = timezone.now()
    data = case_form(case.patient)
    data.update(
        {
            "scans-TOTAL_FORMS": "1",
            "scans-0-id": "",
            "scans-0-case": str(case.pk),
            "scans-0-modality": Modality.MRI_WHOLE_SPINE,
            **typed_datetime("scans-0-requested_at", now - dt.timedelta(days=1)),
            **typed_datetime("scans-0-performed_at", now - dt.timedelta(days=2)),
            **typed_datetime("scans-0-reported_at", None),
            **typed_datetime("scans-0-reviewed_at", None),
            "scans-0-escc_grade": "",
            "scans-0-reviewed_by": "",
        }
    )

    data["loaded_version"] = str(case.version)
    response = coordinator_client.post(reverse("admin:cases_case_change", args=[case.pk]), data)

    assert response.status_code == 200
    [scan_errors] = response.context["inline_admin_formsets"][0].formset.errors
    assert scan_errors == {"performed_at": ["A scan cannot be performed before it was requested."]}
    assert Scan.objects.count() == 0


def test_it_leaves_a_scan_unchanged_when_a_change_is_refused(coordinator_client):
    now = timezone.now()
    scan = ScanFactory(case=CaseFactory(), requested_at=now - dt.timedelta(days=2), performed=True)

    response = coordinator_client.post(
        reverse("admin:cases_scan_change", args=[scan.pk]),
        scan_form(
            scan.case,
            requested_at=scan.requested_at,
            performed_at=scan.performed_at,
            reported_at=scan.performed_at - dt.timedelta(hours=1),
        )
        | {"loaded_version": str(scan.version)},
    )

    assert list(form_errors(response)) == ["reported_at"]
    scan.refresh_from_db()
    assert scan.reported_at is None
