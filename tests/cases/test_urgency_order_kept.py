"""The review worklist reads its urgency order from an index: each scan stores its case's place in the
order (`Scan.mscc_rank`, kept by the database). The order must be exactly the rule's, on any data and
after any change of a case's presentation or a scan's ESCC grade, by whatever path it is written."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.models import Case as SqlCase
from django.db.models import F, IntegerField, Value, When
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from simple_history.utils import bulk_create_with_history

from cases.choices import Modality, Presentation
from cases.models import Case, Patient, Scan
from cases.selectors import scans_pending_review
from mdt.models import Member
from tests.admin_forms import admin_post_data
from tests.factories import CaseFactory, PatientFactory, ScanFactory, clinician, coordinator
from tests.home.test_database_performance import plan

pytestmark = pytest.mark.django_db

FLAGS = {
    Presentation.SUSPECTED_MSCC: ["limb_weakness"],
    Presentation.SUSPECTED_METASTASES: ["nocturnal_pain"],
    Presentation.KNOWN_DISEASE_REVIEW: [],
}
PRESENTATIONS = list(FLAGS)


def rule_order() -> list[int]:
    """The worklist as it was ordered before the rank was stored: on the case's presentation itself."""
    mscc_first = SqlCase(
        When(case__presentation=Presentation.SUSPECTED_MSCC, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    scans = (
        Scan.objects.filter(  # the rule itself, not the stored flag: a living patient's MRI, performed, not reviewed
            modality__in=(Modality.MRI_WHOLE_SPINE, Modality.MRI_TARGETED),
            performed_at__isnull=False,
            reviewed_at__isnull=True,
            case__patient__died_on__isnull=True,
        ).annotate(first=mscc_first)
    )
    order = ["first", F("escc_grade").desc(nulls_last=True), F("performed_at").asc(nulls_last=True), "id"]
    return list(scans.order_by(*order).values_list("pk", flat=True))


def worklist() -> list[int]:
    return list(scans_pending_review().values_list("pk", flat=True))


def waiting(case: Case, hours: int, grade: int | None = None, **fields) -> Scan:
    now = timezone.now()
    return ScanFactory(
        case=case,
        requested_at=now - dt.timedelta(hours=hours + 1),
        performed_at=now - dt.timedelta(hours=hours),
        escc_grade=grade,
        **fields,
    )


def case_with(presentation: Presentation, **fields) -> Case:
    return CaseFactory(presentation=presentation, red_flags=FLAGS[presentation], **fields)


SCAN = st.tuples(
    st.one_of(st.none(), st.integers(0, 5)),  # ESCC grade
    st.integers(1, 40),  # hours waiting: ties are likely, the id breaks them
    st.sampled_from(["waiting", "waiting", "waiting", "reviewed", "not performed", "CT"]),
)
CASE = st.tuples(st.sampled_from(PRESENTATIONS), st.booleans(), st.lists(SCAN, min_size=1, max_size=3))
CHANGE = st.one_of(
    # to suspected MSCC when it was not, else to the other presentation given
    st.tuples(
        st.just("presentation"),
        st.integers(0, 20),
        st.sampled_from(PRESENTATIONS[1:]),
        st.sampled_from(["save", "update"]),
    ),
    st.tuples(
        st.just("grade"),
        st.integers(0, 60),
        st.one_of(st.none(), st.integers(0, 5)),
        st.sampled_from(["save", "update"]),
    ),
    st.tuples(st.just("move"), st.integers(0, 60), st.integers(0, 20), st.just("save")),
    # a patient's death recorded, or a recorded death corrected back to blank, by the model or an update
    st.tuples(st.just("death"), st.integers(0, 20), st.booleans(), st.sampled_from(["save", "update"])),
    # a case moved to another case's patient (a merge from the PAS), by the model or an update
    st.tuples(st.just("patient"), st.integers(0, 20), st.integers(0, 20), st.sampled_from(["save", "update"])),
)


def make(cases) -> tuple[list[Case], list[Scan]]:
    made, scans = [], []
    for presentation, died, rows in cases:
        case = case_with(presentation)
        if died:
            case.patient.died_on = timezone.localdate()
            case.patient.save()
        made.append(case)
        for grade, hours, state in rows:
            if state == "not performed":
                scans.append(ScanFactory(case=case))
                continue
            modality = Modality.CT if state == "CT" else Modality.MRI_WHOLE_SPINE
            scan = waiting(case, hours, grade if state != "CT" else None, modality=modality)
            if state == "reviewed":
                Scan.objects.filter(pk=scan.pk).update(reviewed_at=timezone.now(), reviewed_by=clinician(f"r{scan.pk}"))
            scans.append(scan)
    return made, scans


def apply(change, cases: list[Case], scans: list[Scan]) -> None:
    kind, index, value, path = change
    if kind == "presentation":
        case = Case.objects.get(pk=cases[index % len(cases)].pk)
        value = Presentation.SUSPECTED_MSCC if case.presentation != Presentation.SUSPECTED_MSCC else value
        if path == "save":
            case.presentation, case.red_flags = value, FLAGS[value]
            case.save()
        else:
            Case.objects.filter(pk=case.pk).update(presentation=value, red_flags=FLAGS[value])
    elif kind == "grade":
        scan = Scan.objects.get(pk=scans[index % len(scans)].pk)
        if scan.performed_at is None:
            return
        if path == "save":
            scan.escc_grade = value
            scan.save()
        else:
            Scan.objects.filter(pk=scan.pk).update(escc_grade=value)
    elif kind == "move":  # a scan moved to another case (the workspace's scan form has the case field)
        scan = Scan.objects.get(pk=scans[index % len(scans)].pk)
        scan.case = cases[value % len(cases)]
        scan.save()
    else:
        apply_to_patient(change, cases)


def apply_to_patient(change, cases: list[Case]) -> None:
    kind, index, value, path = change
    case = Case.objects.select_related("patient").get(pk=cases[index % len(cases)].pk)
    if kind == "death":
        died_on = timezone.localdate() if value else None
        if path == "save":
            case.patient.died_on = died_on
            case.patient.save()
        else:
            Patient.objects.filter(pk=case.patient_id).update(died_on=died_on)
    else:
        patient_id = Case.objects.get(pk=cases[value % len(cases)].pk).patient_id
        if path == "save":
            case.patient_id = patient_id
            case.save()
        else:
            Case.objects.filter(pk=case.pk).update(patient_id=patient_id)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=st.lists(CASE, min_size=1, max_size=6), changes=st.lists(CHANGE, max_size=6))
@pytest.mark.hazard("HAZ-044")
@pytest.mark.hazard("HAZ-009")
def test_the_worklist_keeps_the_rules_order_on_any_data_and_after_any_change(cases, changes):
    with transaction.atomic():
        made, scans = make(cases)
        assert worklist() == rule_order()
        for change in changes:
            apply(change, made, scans)
            assert worklist() == rule_order()
        transaction.set_rollback(True)


@pytest.mark.hazard("HAZ-044")
def test_a_case_changed_to_suspected_mscc_on_the_case_form_moves_its_waiting_scan_first(client):
    graded = waiting(case_with(Presentation.SUSPECTED_METASTASES), 50, grade=5)
    routine = case_with(Presentation.SUSPECTED_METASTASES)
    scan = waiting(routine, 2)
    client.force_login(coordinator())
    assert worklist() == [graded.pk, scan.pk]

    url = reverse("admin:cases_case_change", args=[routine.pk])
    data = admin_post_data(client.get(url), presentation=Presentation.SUSPECTED_MSCC, red_flags=["limb_weakness"])
    assert client.post(url, data).status_code == 302

    assert worklist() == [scan.pk, graded.pk] == rule_order()
    client.force_login(clinician("rad", Member.Role.RADIOLOGIST))
    assert [s.pk for s in client.get(reverse("scans-pending-review")).context["page"]] == [scan.pk, graded.pk]


@pytest.mark.hazard("HAZ-044")
def test_a_case_no_longer_suspected_mscc_on_the_patients_form_moves_its_scan_behind_the_mscc_ones(client):
    mscc = waiting(case_with(Presentation.SUSPECTED_MSCC), 1)
    changed = CaseFactory(presentation=Presentation.SUSPECTED_MSCC, red_flags=["nocturnal_pain"])  # no neurology
    scan = waiting(changed, 30)
    assert worklist() == [scan.pk, mscc.pk]
    client.force_login(coordinator())

    url = reverse("admin:cases_patient_change", args=[changed.patient_id])
    data = admin_post_data(client.get(url), **{"cases-0-presentation": Presentation.KNOWN_DISEASE_REVIEW})
    assert client.post(url, data).status_code == 302

    assert Case.objects.get(pk=changed.pk).presentation == Presentation.KNOWN_DISEASE_REVIEW
    assert worklist() == [mscc.pk, scan.pk] == rule_order()


@pytest.mark.hazard("HAZ-044")
def test_an_escc_grade_typed_on_the_case_form_moves_the_scan_up(client):
    case = case_with(Presentation.SUSPECTED_METASTASES)
    older = waiting(case_with(Presentation.SUSPECTED_METASTASES), 40, grade=1)
    scan = waiting(case, 3)
    assert worklist() == [older.pk, scan.pk]
    client.force_login(coordinator())

    url = reverse("admin:cases_case_change", args=[case.pk])
    data = admin_post_data(client.get(url), **{"scans-0-escc_grade": "5"})
    assert client.post(url, data).status_code == 302

    assert worklist() == [scan.pk, older.pk] == rule_order()


@pytest.mark.hazard("HAZ-044")
def test_a_scan_saved_from_an_instance_read_before_its_case_changed_keeps_the_new_place():
    case = case_with(Presentation.SUSPECTED_METASTASES)
    scan = waiting(case, 3)
    stale = Scan.objects.get(pk=scan.pk)  # read while the case was not suspected MSCC
    Case.objects.filter(pk=case.pk).update(presentation=Presentation.SUSPECTED_MSCC)

    stale.report = "Metastasis at T7."
    stale.save()

    assert Scan.objects.get(pk=scan.pk).mscc_rank == 0


@pytest.mark.hazard("HAZ-044")
def test_scans_inserted_in_bulk_take_their_cases_place():
    """As the seeding and the demo write them: no model method runs."""
    mscc, other = case_with(Presentation.SUSPECTED_MSCC), case_with(Presentation.SUSPECTED_METASTASES)
    performed = timezone.now() - dt.timedelta(hours=1)
    rows = [
        Scan(case=case, requested_at=performed - dt.timedelta(hours=1), performed_at=performed)
        for case in (other, mscc)
    ]

    bulk_create_with_history(rows, Scan)

    assert dict(Scan.objects.values_list("case_id", "mscc_rank")) == {mscc.pk: 0, other.pk: 1}
    assert worklist() == rule_order()


def test_the_worklist_page_runs_the_same_queries_for_few_or_many_waiting_scans(client, django_assert_num_queries):
    client.force_login(clinician("rad", Member.Role.RADIOLOGIST))
    for hours in range(3):
        waiting(case_with(PRESENTATIONS[hours % 3]), hours + 1, grade=hours)

    # session, user, the page's scans with their cases and patients, member (navbar), user and group permissions
    with django_assert_num_queries(5):
        client.get(reverse("scans-pending-review"))
    patient = PatientFactory()
    for hours in range(80):
        waiting(
            case_with(PRESENTATIONS[hours % 3], patient=patient), hours + 1, grade=(hours % 6) if hours % 4 else None
        )
    with django_assert_num_queries(5):
        response = client.get(reverse("scans-pending-review"), {"page": 2})

    assert [s.pk for s in response.context["page"]] == rule_order()[50:]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_a_page_of_the_worklist_is_read_in_order_from_the_urgency_index_without_sorting():
    for hours in range(5):
        waiting(case_with(PRESENTATIONS[hours % 3]), hours + 1, grade=hours)

    text = plan(scans_pending_review()[:51])

    assert "scan_urgency_idx" in text and "Sort" not in text, text
