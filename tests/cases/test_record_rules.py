"""Rules on the clinical record hold in the model, on every path, not only in the forms (HAZ-013), and
implausible dexamethasone doses are refused or need a reason (HAZ-012).

Each test builds the record without a form (the way a service, the PAS feed or a script would) and
calls full_clean(), or saves through the ORM to reach the database's own constraints.
"""

import datetime as dt
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Case, Scan
from cases.services import assessment_record
from cases.steroids import dose_limits
from tests.factories import CaseFactory, PatientFactory, clinician

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def errors_of(record) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    return error.value.message_dict


# --------------------------------------------------------------------------- dexamethasone (HAZ-012)


@pytest.mark.hazard("HAZ-012")
def test_the_dose_limits_live_in_the_configuration_with_their_source():
    entry = tomllib.loads(Path(settings.CLINICAL_TARGETS_FILE).read_text())["dexamethasone"]

    assert entry["usual_loading_dose_mg"] == 16  # docs/clinical-reference.md §7.4: 16 mg, then 16 mg daily
    assert "§7.4" in entry["usual_loading_dose_source"]
    assert entry["maximum_daily_dose_source"].startswith("Local operational setting, not a clinical fact")
    assert dose_limits().maximum_daily_dose_mg == Decimal(entry["maximum_daily_dose_mg"])


@pytest.mark.hazard("HAZ-012")
def test_a_tenfold_dose_is_refused_naming_the_field_and_the_limit():
    case = CaseFactory.build(patient=PatientFactory(), steroids_started_at=timezone.now() - HOUR)
    case.steroid_dose_mg = Decimal("160.0")

    messages = errors_of(case)

    assert messages["steroid_dose_mg"] == [
        "160.0 mg a day is above the 100 mg this service accepts: check the dose (a local setting, "
        "config/clinical_targets.toml)."
    ]


@pytest.mark.hazard("HAZ-012")
def test_a_dose_above_the_usual_loading_dose_needs_a_reason():
    case = CaseFactory.build(patient=PatientFactory(), steroids_started_at=timezone.now() - HOUR)
    case.steroid_dose_mg = Decimal("24.0")

    assert errors_of(case)["steroid_dose_reason"] == ["A daily dose above the usual 16 mg needs a reason."]

    case.steroid_dose_reason = "Haematology MDT plan for lymphoma"
    case.full_clean()


@pytest.mark.hazard("HAZ-012")
@pytest.mark.parametrize("dose", ["4.0", "8.0", "16.0"])
def test_the_usual_doses_need_no_reason(dose):
    case = CaseFactory.build(patient=PatientFactory(), steroids_started_at=timezone.now() - HOUR)
    case.steroid_dose_mg = Decimal(dose)

    case.full_clean()


# --------------------------------------------------------------------------- rules in the model (HAZ-013)


@pytest.mark.hazard("HAZ-013")
def test_the_nhs_number_check_digit_is_the_model_fields_own_rule():
    patient = PatientFactory.build(nhs_number="9434765918")  # check digit 8, not 9

    assert "nhs_number" in errors_of(patient)


@pytest.mark.hazard("HAZ-013")
@pytest.mark.parametrize("falsy", [0, False])
def test_a_falsy_score_component_is_refused_by_the_service_not_saved_as_blank(falsy):
    case = CaseFactory()
    user = clinician("oncologist", "oncologist")
    user.user_permissions.add(Permission.objects.get(codename="add_assessment"))

    with pytest.raises(ValidationError):
        assessment_record(
            case=case, kind="tomita", components={"primary_growth": falsy, "visceral_mets": "none"}, user=user
        )


@pytest.mark.hazard("HAZ-013")
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"steroid_reduction_started_at": -2 * HOUR}, "steroid_reduction_started_at"),
        ({"treatment_plan_agreed_at": -30 * HOUR}, "treatment_plan_agreed_at"),
    ],
)
def test_times_keep_their_order_in_the_model(changes, field):
    now = timezone.now()
    case = CaseFactory.build(patient=PatientFactory(), referred_at=now - 24 * HOUR, steroids_started_at=now - HOUR)
    for name, offset in changes.items():
        setattr(case, name, now + offset)

    assert field in errors_of(case)


@pytest.mark.hazard("HAZ-013")
def test_a_diagnosis_cannot_be_suspected_before_the_patient_was_born():
    patient = PatientFactory(date_of_birth=dt.date(1960, 5, 1))
    case = CaseFactory.build(patient=patient, suspected_diagnosis_at=timezone.make_aware(dt.datetime(1950, 1, 1)))

    assert errors_of(case)["suspected_diagnosis_at"] == [
        "The diagnosis cannot be suspected before the patient was born."
    ]


@pytest.mark.hazard("HAZ-013")
def test_a_scan_cannot_be_requested_in_the_future():
    scan = Scan(case=CaseFactory(), requested_at=timezone.now() + 2 * HOUR)

    assert errors_of(scan)["requested_at"] == ["A scan cannot be requested in the future."]


@pytest.mark.hazard("HAZ-013")
@pytest.mark.parametrize(
    "fields",
    [
        {"steroids_started_at": 0, "steroid_reduction_started_at": -HOUR},
        {"steroids_started_at": 0, "steroids_stopped_at": -HOUR},
        {"treatment_plan_agreed_at": -48 * HOUR},
        {"decision_to_treat_at": 0, "treatment_start_at": -HOUR, "treatment_modality": "surgery"},
        {"decision_to_treat_at": 0, "radiotherapy_started_at": -HOUR, "treatment_modality": "surgery"},
    ],
)
def test_the_database_refuses_times_out_of_order_whatever_path_writes_them(fields):
    now = timezone.now() - 2 * HOUR
    case = CaseFactory(referred_at=now - 24 * HOUR)

    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(
            **{
                name: (now + offset if isinstance(offset, dt.timedelta) else now if offset == 0 else offset)
                for name, offset in fields.items()
            }
        )
