"""Urgency first: every MRI worklist is ordered by one rule (Scan.objects.by_urgency()), and each
role sees the scans it is expected to review; a reviewer can take a review back for a short while."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.choices import Presentation
from cases.models import Scan
from cases.services import scan_mark_reviewed, scan_unmark_reviewed
from mdt.models import Member
from tests.factories import CaseFactory, ScanFactory, clinician, coordinator

pytestmark = pytest.mark.django_db

NO_NEURO = {"presentation": Presentation.SUSPECTED_METASTASES, "red_flags": ["nocturnal_pain"]}


def waiting(hours: int, grade: int | None = None, **case) -> Scan:
    now = timezone.now()
    return ScanFactory(
        case=CaseFactory(**case),
        requested_at=now - dt.timedelta(hours=hours + 1),
        performed_at=now - dt.timedelta(hours=hours),
        escc_grade=grade,
    )


@pytest.mark.hazard("HAZ-044")
def test_suspected_mscc_with_neurology_comes_first_then_the_worst_grade_then_the_longest_wait():
    old_low = waiting(90, grade=1, **NO_NEURO)
    new_high = waiting(2, grade=5, **NO_NEURO)
    ungraded = waiting(200, **NO_NEURO)
    mscc_new = waiting(1)  # suspected MSCC with neurology (the factory's default), not yet graded
    mscc_old = waiting(30, grade=0)
    same_grade_older = waiting(50, grade=1, **NO_NEURO)

    order = list(Scan.objects.pending_review().by_urgency())

    # suspected MSCC with neurology first (graded 0 before ungraded), then grade 3 waiting 2 hours
    # before grade 1a waiting 90, the 90-hour wait before the 50-hour one, the ungraded last
    assert order == [mscc_old, mscc_new, new_high, old_low, same_grade_older, ungraded]


PRESENTATIONS = [Presentation.SUSPECTED_MSCC, Presentation.SUSPECTED_METASTASES, Presentation.KNOWN_DISEASE_REVIEW]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.sampled_from(PRESENTATIONS), st.one_of(st.none(), st.integers(0, 5)), st.integers(1, 500)),
        min_size=1,
        max_size=8,
    )
)
@pytest.mark.hazard("HAZ-044")
def test_the_order_holds_for_any_mix_of_scans(rows):
    Scan.objects.all().delete()
    for presentation, grade, hours in rows:
        flags = ["limb_weakness"] if presentation == Presentation.SUSPECTED_MSCC else ["nocturnal_pain"]
        waiting(hours, grade=grade, presentation=presentation, red_flags=flags)

    order = list(Scan.objects.pending_review().select_related("case").by_urgency())

    def key(scan: Scan) -> tuple:
        return (
            scan.case.presentation != Presentation.SUSPECTED_MSCC,
            -(scan.escc_grade if scan.escc_grade is not None else -1),
            scan.performed_at,
            scan.pk,
        )

    assert order == sorted(order, key=key)


# --------------------------------------------------------------------------- who sees what


@pytest.mark.hazard("HAZ-044")
def test_a_radiologist_sees_every_scan_most_urgent_first(client):
    later = waiting(40, grade=1, **NO_NEURO)
    urgent = waiting(1)
    client.force_login(clinician("rad", Member.Role.RADIOLOGIST))

    rows = client.get(reverse("dashboard")).context["pending_review"].rows

    assert rows == [urgent, later]
    page = client.get(reverse("scans-pending-review")).content.decode()
    assert "Suspected MSCC with neurology" in page and "Presentation" in page and "ESCC" in page


@pytest.mark.hazard("HAZ-044")
@pytest.mark.parametrize("role", [Member.Role.ONCOLOGIST, Member.Role.SPINAL_SURGEON])
def test_an_oncologist_or_surgeon_sees_their_patients_scans_and_can_show_all(client, role):
    me = clinician("me", role)
    mine = waiting(5, responsible_clinician=me)
    theirs = waiting(50)
    client.force_login(me)

    assert client.get(reverse("dashboard")).context["pending_review"].rows == [mine]
    assert list(client.get(reverse("scans-pending-review")).context["page"]) == [mine]
    assert list(client.get(reverse("scans-pending-review"), {"show": "all"}).context["page"]) == [theirs, mine]


def test_a_coordinator_sees_every_scan_without_the_review_button(client):
    scan = waiting(5)
    client.force_login(coordinator())
    response = client.get(reverse("scans-pending-review"))
    assert list(response.context["page"]) == [scan]
    assert "Mark reviewed" not in response.content.decode()


# --------------------------------------------------------------------------- taking a review back


def test_the_reviewer_can_take_the_review_back_within_the_window_with_history(client):
    rad = clinician("rad", Member.Role.RADIOLOGIST)
    scan = waiting(3)
    client.force_login(rad)

    response = client.post(reverse("scan-review", args=[scan.pk]), follow=True)
    text = response.content.decode()
    assert f"MRN {scan.case.patient.mrn}" in text and "Undo my review" in text

    response = client.post(reverse("scan-unreview", args=[scan.pk]), follow=True)

    assert "waits again" in response.content.decode()
    scan.refresh_from_db()
    assert scan.reviewed_at is None and scan.reviewed_by is None
    history = list(scan.history.order_by("history_date"))
    assert [h.reviewed_by_id for h in history[-2:]] == [rad.pk, None]
    assert history[-1].history_user == rad
    assert client.get(reverse("dashboard")).context["pending_review"].rows == [scan]


def test_no_one_else_and_not_after_the_window(settings):
    rad = clinician("rad", Member.Role.RADIOLOGIST)
    other = clinician("rad2", Member.Role.RADIOLOGIST)
    scan = waiting(3)
    scan_mark_reviewed(scan_id=scan.pk, user=rad)

    with pytest.raises(PermissionDenied):
        scan_unmark_reviewed(scan_id=scan.pk, user=other)

    Scan.objects.filter(pk=scan.pk).update(
        reviewed_at=timezone.now() - dt.timedelta(minutes=settings.SCAN_UNREVIEW_MINUTES + 1)
    )
    with pytest.raises(ValidationError, match="within 15 minutes"):
        scan_unmark_reviewed(scan_id=scan.pk, user=rad)
    assert Scan.objects.get(pk=scan.pk).reviewed_by == rad


def test_the_undo_button_is_only_the_reviewers_and_only_in_time(client):
    rad = clinician("rad", Member.Role.RADIOLOGIST)
    scan = waiting(3)
    scan_mark_reviewed(scan_id=scan.pk, user=rad)
    url = reverse("case-detail", args=[scan.case_id])

    client.force_login(clinician("rad2", Member.Role.RADIOLOGIST))
    assert "Undo my review" not in client.get(url).content.decode()
    client.force_login(rad)
    assert "Undo my review" in client.get(url).content.decode()
    Scan.objects.filter(pk=scan.pk).update(reviewed_at=timezone.now() - dt.timedelta(hours=1))
    assert "Undo my review" not in client.get(url).content.decode()
