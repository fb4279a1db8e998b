"""The outcome letter and the meeting outcomes PDF, the case page's decision history, and follow-ups."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus
from mdt.models import FollowUp, Member
from mdt.services.decisions import decision_record
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory
from tests.mdt.decision_pages.helpers import (
    RATIONALE,
    html,
    in_six_weeks,
    named,
    page,
    pdf_text,
    service_input,
    todays_meeting,
)

pytestmark = pytest.mark.django_db


def test_it_serves_the_outcome_letter_as_a_pdf_with_the_patient_the_decision_and_who_signed(
    client, agenda, locked, oncologist, surgeon
):
    meeting, items = agenda
    patient = items[0].case.patient
    client.force_login(named("nurse", Member.Role.NURSE_SPECIALIST, "Nia", "Evans"))

    response = client.get(reverse("decision-letter", args=[locked.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="mdt-outcome-{locked.pk}.pdf"'
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response)
    for expected in (
        patient.mrn,
        patient.display_name,
        "Conventional radiotherapy (cEBRT)",
        "Steroids",
        RATIONALE,
        "Olwen Pryce",
        "Steffan Rees",
        "Agrees",
        timezone.localtime(meeting.starts_at).strftime("%-d %B %Y"),
    ):
        assert expected in text, expected


def test_it_lists_the_follow_up_plan_in_the_letter(client, agenda, oncologist, surgeon):
    _, items = agenda
    follow_up = {"kind": "repeat_mri", "due_on": in_six_weeks(), "owner_id": surgeon.member.pk, "rediscuss": True}
    decision = decision_record(
        item_id=items[1].pk, user=oncologist, data=service_input(oncologist, surgeon, follow_ups=[follow_up])
    )
    client.force_login(oncologist)

    text = pdf_text(client.get(reverse("decision-letter", args=[decision.pk])))

    assert "Repeat MRI after treatment due" in text and in_six_weeks().strftime("%-d %b %Y") in text
    assert "awaiting sign-off" in text  # not yet signed: the letter says so


@pytest.mark.hazard("HAZ-008")
def test_it_lists_every_item_in_the_meeting_outcomes_pdf(client, agenda, locked, oncologist):
    meeting, items = agenda
    client.force_login(oncologist)
    client.post(page(meeting, items[1]), {"action": "not_discussed"})
    client.post(page(meeting, items[2]), {"action": "withdrawn", "reason": "Moved to another trust"})

    response = client.get(reverse("meeting-outcomes-pdf", args=[meeting.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response)
    for item in items:
        assert item.case.patient.mrn in text
    assert "Conventional radiotherapy (cEBRT); Steroids" in text and "Signed off (locked)" in text
    assert "Not discussed: carried forward" in text and "Withdrawn: Moved to another trust" in text


# --------------------------------------------------------------------------- the case page


def test_it_shows_the_decision_history_oldest_first_and_open_follow_ups_on_the_case_page(client, oncologist, surgeon):
    case = CaseFactory(status=CaseStatus.AWAITING_MDT)
    later, _ = todays_meeting(items=0)
    starts = later.starts_at - dt.timedelta(days=7)  # both under way or held: outcomes wait for the meeting
    earlier = MeetingFactory(starts_at=starts, ends_at=starts + dt.timedelta(hours=1), agenda_closes_at=starts)
    follow_up = {"kind": "clinic_review", "due_on": in_six_weeks(), "owner_id": surgeon.member.pk, "rediscuss": False}
    decision_record(
        item_id=AgendaItemFactory(meeting=earlier, case=case).pk,
        user=oncologist,
        data=service_input(oncologist, surgeon, rationale="The first decision", follow_ups=[follow_up]),
    )
    decision_record(
        item_id=AgendaItemFactory(meeting=later, case=case).pk,
        user=oncologist,
        data=service_input(oncologist, surgeon, rationale="The second decision"),
    )
    url = reverse("case-detail", args=[case.pk])

    client.force_login(surgeon)  # the owner
    text = html(client.get(url))
    assert "MDT decisions" in text
    assert text.index("The first decision") < text.index("The second decision")
    assert "Open follow-ups" in text and "Clinic review due" in text
    assert ">Complete follow-up</button>" in text
    assert "Record an urgent decision" in text

    client.force_login(named("radiologist", Member.Role.RADIOLOGIST, "Rhian", "Morgan"))
    text = html(client.get(url))
    assert ">Complete follow-up</button>" not in text and "Record an urgent decision" not in text

    client.force_login(surgeon)
    done = FollowUp.objects.get()
    response = client.post(reverse("follow-up-complete", args=[done.pk]), {"outcome": "Seen: stable.", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    done.refresh_from_db()
    assert done.completed_by == surgeon and done.outcome_note == "Seen: stable."
    assert "Open follow-ups" not in html(client.get(url))


def test_it_refuses_marking_done_a_follow_up_the_clinician_does_not_own(client, agenda, oncologist, surgeon):
    _, items = agenda
    follow_up = {"kind": "clinic_review", "due_on": in_six_weeks(), "owner_id": surgeon.member.pk, "rediscuss": False}
    decision_record(
        item_id=items[0].pk, user=oncologist, data=service_input(oncologist, surgeon, follow_ups=[follow_up])
    )
    client.force_login(oncologist)

    url = reverse("follow-up-complete", args=[FollowUp.objects.get().pk])
    assert client.post(url, {"outcome": "Seen."}).status_code == 403
    assert FollowUp.objects.get().completed_at is None
