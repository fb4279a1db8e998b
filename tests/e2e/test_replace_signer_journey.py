"""A coordinator names another clinician to sign a decision whose spinal surgeon left the team before signing,
in a real Chromium (HAZ-175): the decision page says who left, offers the clinicians who may sign in their
place, and then shows the leaver kept as replaced and the new signer still to sign. Every page passes axe-core
and fits a phone."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mdt.models import Decision, Member, SignOff
from tests.e2e.browser import Journey, sign_in
from tests.e2e.test_case_form_journey import PASSWORD, person
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, PatientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.hazard("HAZ-175")]


def test_a_coordinator_names_a_surgeon_in_place_of_one_who_left_before_signing(live_server, page: Page, tmp_path):
    person("ceri", Member.Role.MDT_COORDINATOR, "Ceri", "Jones")
    oncologist = person("olwen", Member.Role.ONCOLOGIST, "Olwen", "Pryce")
    surgeon = person("steffan", Member.Role.SPINAL_SURGEON, "Steffan", "Rees")
    person("bethan", Member.Role.SPINAL_SURGEON, "Bethan", "Morgan")
    patient = PatientFactory(family_name="Griffiths", given_name="Alys", mrn="RX3001")
    item = AgendaItemFactory(meeting=MeetingFactory(under_way=True), case=CaseFactory(patient=patient))
    decision = Decision.objects.create(
        case=item.case, agenda_item=item, treatments=["cebrt"], intent="palliative",
        rationale="Radiosensitive primary, stable spine.", recorded_by=oncologist, decided_at=timezone.now(),
    )  # fmt: skip
    for user in (oncologist, surgeon):
        SignOff.objects.create(decision=decision, member=user.member)
    Member.objects.filter(user=surgeon).update(active=False)  # left before signing
    base = live_server.url
    journey = Journey(page, tmp_path)

    sign_in(page, base, "ceri", PASSWORD)
    page.goto(f"{base}/decisions/{decision.pk}/")
    expect(page.get_by_role("heading", name="Named to sign, but left the team")).to_be_visible()
    expect(page.get_by_text("Steffan Rees (Spinal surgeon) left the team before signing")).to_be_visible()
    journey.check("a decision waiting for a signer who left", shot="decision-signer-left")

    page.get_by_label("Name instead").select_option(label="Bethan Morgan (Spinal surgeon)")
    page.get_by_role("button", name="Name to sign instead of Steffan Rees").click()
    expect(page.get_by_text("Bethan Morgan named to sign instead.")).to_be_visible()
    expect(page.get_by_text("Bethan Morgan named to sign instead by Ceri Jones")).to_be_visible()
    expect(page.get_by_role("heading", name="Named to sign, but left the team")).to_have_count(0)
    journey.check("the decision with the new signer still to sign")
