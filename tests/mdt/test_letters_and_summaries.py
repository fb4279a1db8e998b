"""Documents a hospital would send: the outcome letter's salutation, sender, contact details,
signature block and date; the outcome summary never cuts the rationale; 24-hour times."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from mdt.models import AgendaItem, Decision, Member, SignOff
from tests.factories import CaseFactory, PatientFactory, listed_item, meeting, team_user
from tests.mdt.decision_pages.helpers import pdf_text

pytestmark = pytest.mark.django_db

# The last word has no hyphen: the PDF may break a line there, and the extracted text then loses it.
LONG_RATIONALE = " ".join(f"Reason{n}" for n in range(120)) + " THELASTWORD."


@pytest.fixture
def signed(settings):
    settings.MDT_SERVICE_NAME = "South Wales Spinal Metastases MDT"
    settings.MDT_SERVICE_PHONE = "029 2074 0000"
    settings.MDT_SERVICE_EMAIL = "spinal.mdt@example.nhs.uk"
    olwen = team_user("olwen", Member.Role.ONCOLOGIST)
    olwen.first_name, olwen.last_name = "Olwen", "Pryce"
    olwen.save()
    held = meeting(timezone.now() - dt.timedelta(days=3))
    case = CaseFactory(patient=PatientFactory(mrn="RX5001", gp_name="Dr A. Pritchard"))
    item = listed_item(held, case, status=AgendaItem.Status.DISCUSSED)
    decision = Decision.objects.create(
        case=case,
        agenda_item=item,
        treatments=["cebrt"],
        intent="palliative",
        rationale=LONG_RATIONALE,
        recorded_by=olwen,
        status=Decision.Status.SIGNED,
    )
    SignOff.objects.create(
        decision=decision, member=olwen.member, response=SignOff.Response.AGREE, responded_at=timezone.now()
    )
    return decision, held, olwen


def test_the_letter_reads_as_a_hospital_letter(client, signed):
    decision, held, olwen = signed
    client.force_login(olwen)

    text = pdf_text(client.get(reverse("decision-letter", args=[decision.pk])))

    assert "South Wales Spinal Metastases MDT" in text  # the sender
    assert "Dear Dr A. Pritchard," in text
    assert timezone.localtime(held.starts_at).strftime("%-d %B %Y") in text  # dated as the meeting
    assert "029 2074 0000" in text and "spinal.mdt@example.nhs.uk" in text
    assert "Yours sincerely," in text and "Olwen Pryce" in text and "Signed electronically" in text


@pytest.mark.hazard("HAZ-008")
def test_the_outcome_summary_prints_the_whole_rationale(client, signed):
    _, held, olwen = signed
    client.force_login(olwen)

    text = pdf_text(client.get(reverse("meeting-outcomes-pdf", args=[held.pk])))

    assert "THELASTWORD." in text


def test_times_without_a_format_are_24_hour():
    when = dt.datetime(2026, 11, 30, 14, 30, tzinfo=dt.UTC)
    rendered = Template("{{ when }}|{{ when|time }}|{{ when|date:'SHORT_DATETIME_FORMAT' }}").render(
        Context({"when": when})
    )
    assert "p.m." not in rendered and "14:30" in rendered
