"""Each case's clinical facts on the agenda page are rendered once per change and shared (mdt.agenda_facts):
a change to anything they show changes the page at once, however it was made (HAZ-002)."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db.models import F

from cases.models import Assessment, Case, CommunicationNeeds, Patient, Scan
from mdt import agenda_facts
from mdt.models import AgendaItem, Meeting, Member
from tests.factories import AgendaItemFactory, AssessmentFactory, MeetingFactory, ScanFactory, clinician
from tests.mdt.agenda_page.helpers import ready_case, url

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
WEEK = dt.timedelta(days=7)


@pytest.fixture
def listed(meeting, radiologist):
    """A suspected MSCC (its 24-hour MRI clock running) listed on the meeting, discussed at an earlier one."""
    with time_machine.travel(NOW, tick=False):
        case = ready_case(
            radiologist, presentation="suspected_mscc", suspected_diagnosis_at=NOW - dt.timedelta(hours=2)
        )
        Scan.objects.filter(case=case).update(modality="mri_targeted")  # not the whole spine: the clock runs
        # Each input on its own: the scores neither name the scan nor share its reviewer, so each change
        # below reaches the page through its own row only.
        scorer = clinician("scorer", Member.Role.ONCOLOGIST)
        Assessment.objects.filter(case=case).update(scan=None, assessed_by=scorer)
        earlier = MeetingFactory(starts_at=NOW - WEEK, status=Meeting.Status.CONCLUDED)
        AgendaItemFactory(meeting=earlier, case=case, status=AgendaItem.Status.DISCUSSED, question="Fix T7?")
        AgendaItemFactory(meeting=meeting, case=case)
    return case


def facts(client, meeting) -> str:
    """The case's facts section of the page, as the clinician reads it."""
    html = client.get(url(meeting)).content.decode()
    found = re.search(r'<div class="row g-3 agenda-facts">.*?</section>\s*</div>', html, re.S)
    assert found, "the facts block is on the page"
    return found[0]


def _scan(case: Case) -> Scan:
    return Scan.objects.get(case=case)


def _reviewer(case: Case):
    return get_user_model().objects.filter(pk=_scan(case).reviewed_by_id)


def _new_mri(case: Case) -> None:
    """A targeted MRI: the latest, and no whole-spine MRI to stop the clock."""
    ScanFactory(
        case=case, modality="mri_targeted", performed_at=NOW - dt.timedelta(minutes=30), report="A new collapse at L1."
    )


def _user():
    return get_user_model().objects.get(username="radiologist")


def _new_score(case: Case) -> None:
    AssessmentFactory(case=case, level="L1", assessed_by=get_user_model().objects.get(username="scorer"))


# Each change made behind the models' backs (queryset update: no version, no updated time moves), with a
# text the page shows only after it.
CHANGES = {
    "the patient": (
        lambda c: Patient.objects.filter(pk=c.patient_id).update(primary_site_detail="left upper lobe"),
        "left upper lobe",
    ),
    "the patient's needs": (
        lambda c: CommunicationNeeds.objects.create(
            patient=c.patient, interpreter=True, language="Welsh", recorded_by=_user()
        ),
        "Interpreter: Welsh",
    ),
    "the case": (lambda c: Case.objects.filter(pk=c.pk).update(frankel_grade="B"), "B: sensory only"),
    "the scan": (
        lambda c: Scan.objects.filter(case=c).update(report="Cord compression at T7."),
        "Cord compression at T7.",
    ),
    "a new scan": (_new_mri, "A new collapse at L1."),
    "the reviewer's name": (lambda c: _reviewer(c).update(first_name="Rhiannon", last_name="Price"), "Rhiannon Price"),
    "the reviewer's role": (
        lambda c: Member.objects.filter(user__in=_reviewer(c)).update(role=Member.Role.SPINAL_SURGEON),
        "(Spinal surgeon)",
    ),
    "a score": (
        lambda c: Assessment.objects.filter(case=c, kind="sins").update(assessed_at=NOW - dt.timedelta(days=3)),
        "27 Nov 2026",
    ),
    "a new score": (_new_score, "SINS L1"),
    "the scorer's name": (
        lambda c: get_user_model().objects.filter(assessments__case=c).update(first_name="Owain", last_name="Bevan"),
        "Owain Bevan",
    ),
    "an earlier discussion": (
        lambda c: AgendaItem.objects.filter(case=c, status="discussed").update(question="Radiotherapy alone?"),
        "Radiotherapy alone?",
    ),
    "an earlier meeting": (
        lambda c: Meeting.objects.filter(status="concluded").update(
            starts_at=F("starts_at") - WEEK, ends_at=F("ends_at") - WEEK, agenda_closes_at=F("agenda_closes_at") - WEEK
        ),
        (NOW - 2 * WEEK).strftime("%-d %b %Y"),
    ),
}


@pytest.mark.hazard("HAZ-002")
@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_anything_the_facts_show_shows_on_the_next_page(client, meeting, listed, change):
    make, shown = CHANGES[change]
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))
    with time_machine.travel(NOW, tick=False):
        before = facts(client, meeting)
        assert facts(client, meeting) == before  # shared: the second page is the first one's rendering
        assert shown not in before

        make(listed)

        assert shown in facts(client, meeting)


@pytest.mark.hazard("HAZ-002")
def test_the_clocks_move_on_with_the_time_not_with_the_data(client, meeting, listed):
    user = clinician("oncologist", Member.Role.ONCOLOGIST)
    with time_machine.travel(NOW, tick=False):
        client.force_login(user)
        assert "22 h 0 min left" in facts(client, meeting)
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        assert "21 h 59 min left" in facts(client, meeting)
    with time_machine.travel(NOW + dt.timedelta(hours=23), tick=False):
        client.force_login(user)  # a day on: signed in again
        page = facts(client, meeting)
        assert "1 h 0 min overdue" in page and "Breached" in page


@pytest.mark.hazard("HAZ-002")
def test_a_shared_rendering_is_the_page_a_fresh_one_would_be(client, meeting, listed):
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))
    with time_machine.travel(NOW, tick=False):
        agenda_facts.forget_all()
        fresh = facts(client, meeting)
        shared = facts(client, meeting)
    assert shared == fresh


@pytest.mark.hazard("HAZ-002")
def test_the_readiness_list_shared_with_the_facts_follows_each_change(client, meeting, listed):
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))
    item = AgendaItem.objects.get(meeting=meeting, case=listed)

    def readiness() -> str:
        html = client.get(url(meeting)).content.decode()
        found = re.search(r'<ul class="list-inline small mt-3 mb-0 readiness-list".*?</ul>', html, re.S)
        assert found, "the readiness list is on the page"
        return re.sub(r"\s+", " ", found[0])

    with time_machine.travel(NOW, tick=False):
        assert "✓ Question set" in readiness() and "✓ Imaging reviewed by a radiologist" in readiness()
        AgendaItem.objects.filter(pk=item.pk).update(question="")  # no version moved
        assert "✗ Question set" in readiness()
        Scan.objects.filter(case=listed).update(reviewed_at=None, reviewed_by=None, reviewer_role="")
        assert "✗ Imaging reviewed by a radiologist" in readiness()
