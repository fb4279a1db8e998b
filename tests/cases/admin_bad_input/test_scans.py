"""Bad input on scans, alone or inline on the case form: times out of order or in the future."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.choices import Modality
from cases.models import Case, Scan
from tests.cases.admin_bad_input.helpers import case_form, form_errors, typed_datetime
from tests.factories import CaseFactory, ScanFactory, clinician

pytestmark = pytest.mark.django_db


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


def add_scan(client, case, **times):
    return client.post(reverse("admin:cases_scan_add"), scan_form(case, **times))


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
