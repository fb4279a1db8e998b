"""A decision made at a meeting that was not quorate says so, with the specialties nobody was recorded present
in, on the decision page, the case page's decisions and the outcome letter (HAZ-027); a quorate meeting's
decision and an urgent decision between meetings say nothing of it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from mdt.models import Attendance, Decision, Member
from tests.factories import CaseFactory, team_user
from tests.mdt.decision_pages.helpers import html, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.hazard("HAZ-027")]

FLAG = "Made at a meeting that was not quorate"


def present(meeting, *users) -> None:
    for user in users:
        Attendance.objects.create(meeting=meeting, member=user.member, present=True)


@pytest.fixture
def radiologist():
    return team_user("radiologist", Member.Role.RADIOLOGIST)


def test_a_decision_of_a_meeting_without_a_radiologist_says_so_on_its_page_the_case_and_the_letter(
    client, recorded, oncologist, surgeon
):
    present(recorded.agenda_item.meeting, oncologist, surgeon)
    client.force_login(oncologist)

    said = f"{FLAG}: no radiologist recorded present."
    assert said in html(client.get(reverse("decision-detail", args=[recorded.pk])))
    assert said in html(client.get(reverse("case-detail", args=[recorded.case_id])))
    assert said in pdf_text(client.get(reverse("decision-letter", args=[recorded.pk])))


def test_with_no_attendance_recorded_every_quorum_role_is_named(client, recorded, oncologist):
    client.force_login(oncologist)
    page = html(client.get(reverse("decision-detail", args=[recorded.pk])))
    assert f"{FLAG}: no oncologist, no spinal surgeon, no radiologist recorded present." in page


def test_a_quorate_meetings_decision_and_an_urgent_decision_say_nothing_of_it(
    client, recorded, oncologist, surgeon, radiologist
):
    present(recorded.agenda_item.meeting, oncologist, surgeon, radiologist)
    urgent = Decision.objects.create(
        case=CaseFactory(), urgent=True, treatments=["cebrt"], recorded_by=oncologist, decided_at=timezone.now()
    )
    client.force_login(oncologist)
    for decision in (recorded, urgent):
        assert FLAG not in html(client.get(reverse("decision-detail", args=[decision.pk])))
