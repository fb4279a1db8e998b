"""No lost work: a form posted after the session ended is kept (server-side, never in the address)
and offered again, filled in, after the same user signs in; the page warns before the limit."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import KEEP_HEADER
from cases.models import Assessment, Case
from core.drafts import KEPT
from mdt.models import Decision, Member
from mdt.services.decisions import DecisionInput, decision_record, signoff_respond
from tests.admin_forms import admin_post_data
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, coordinator_user, team_user
from tests.sessions import START, idle, sign_in

pytestmark = pytest.mark.django_db

RATIONALE = "Radiosensitive primary, stable spine: radiotherapy alone. Typed just before the limit."


@pytest.fixture
def item():
    meeting = MeetingFactory(starts_at=START - dt.timedelta(minutes=30), ends_at=START + dt.timedelta(hours=2))
    return AgendaItemFactory(meeting=meeting, case=CaseFactory())


@pytest.mark.hazard("HAZ-032")
def test_a_decision_posted_after_expiry_is_offered_again_after_signing_in(client, clock, item):
    olwen = team_user("olwen", Member.Role.ONCOLOGIST)
    steffan = team_user("steffan", Member.Role.SPINAL_SURGEON)
    url = reverse("item-decision", args=[item.meeting_id, item.pk])
    sign_in(client, olwen)
    idle(clock)

    response = client.post(
        url,
        {
            "treatments": ["cebrt"],
            "intent": "palliative",
            "rationale": RATIONALE,
            "patient_preferences_considered": "yes",
            "responsible": [olwen.member.pk, steffan.member.pk],
            "action": "save",
            "fu-TOTAL_FORMS": "0",
            "fu-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    assert "RATIONALE" not in response["Location"] and "Radiosensitive" not in response["Location"]
    assert not Decision.objects.exists()  # nothing acted on
    assert client.session[KEPT]["path"] == url
    login_page = client.get(response["Location"]).content.decode()
    assert "What you typed was kept" in login_page

    sign_in(client, olwen)
    page = client.get(url).content.decode()

    assert RATIONALE in page
    assert "You were signed out before this was saved" in page
    assert KEPT not in client.session
    assert RATIONALE not in client.get(url).content.decode()  # offered once


def decision_typed(olwen) -> dict:
    return {"rationale": RATIONALE, "intent": "palliative", "responsible": [olwen.member.pk], "action": "save"}


@pytest.mark.hazard("HAZ-032")
def test_the_banners_post_after_expiry_is_kept_and_answered_with_where_to_sign_in(client, clock, item):
    """The expiry banner's "Sign in again" sends what was typed: kept, never acted on, and the page is told
    where to sign in (no redirect that a script would follow and lose the message on)."""
    olwen = team_user("olwen", Member.Role.ONCOLOGIST)
    url = reverse("item-decision", args=[item.meeting_id, item.pk])
    sign_in(client, olwen)
    idle(clock)

    answer = client.post(url, decision_typed(olwen), headers={KEEP_HEADER: "1"})

    assert answer.status_code == 200
    assert answer.json() == {"kept": True, "sign_in": f"{reverse('login')}?next={url}"}
    assert not Decision.objects.exists()
    sign_in(client, olwen)
    page = client.get(url).content.decode()
    assert RATIONALE in page and "You were signed out before this was saved" in page


def test_the_banners_post_before_expiry_gives_the_time_back_and_saves_nothing(client, clock, item):
    olwen = team_user("olwen", Member.Role.ONCOLOGIST)
    url = reverse("item-decision", args=[item.meeting_id, item.pk])
    sign_in(client, olwen)
    clock.move_to(timezone.now() + dt.timedelta(minutes=14))

    answer = client.post(url, decision_typed(olwen), headers={KEEP_HEADER: "1"})

    assert answer.status_code == 204
    assert not Decision.objects.exists() and KEPT not in client.session
    clock.move_to(timezone.now() + dt.timedelta(minutes=14))
    assert client.get(url).status_code == 200  # still signed in: the post was the activity


def test_the_banners_post_when_already_signed_out_says_nothing_was_kept(client, item):
    url = reverse("item-decision", args=[item.meeting_id, item.pk])

    answer = client.post(url, {"rationale": RATIONALE}, headers={KEEP_HEADER: "1"})

    assert answer.json()["kept"] is False and KEPT not in client.session
    assert not Decision.objects.exists()


def test_another_user_signing_in_never_sees_it(client, clock, item):
    olwen = team_user("olwen", Member.Role.ONCOLOGIST)
    rhian = team_user("rhian", Member.Role.RADIOLOGIST)
    url = reverse("item-decision", args=[item.meeting_id, item.pk])
    sign_in(client, olwen)
    idle(clock)
    client.post(url, {"rationale": RATIONALE, "intent": "palliative"})

    sign_in(client, rhian)

    assert RATIONALE not in client.get(url).content.decode()
    assert KEPT not in client.session


def test_a_score_form_posted_after_expiry_comes_back_filled_in(client, clock):
    case = CaseFactory()
    olwen = team_user("olwen", Member.Role.ONCOLOGIST)
    url = reverse("assessment-new", args=[case.pk, "sins"])
    sign_in(client, olwen)
    idle(clock)

    client.post(url, {"level": "T7", "location": "junctional", "note": "Kept note about T7"})

    assert not Assessment.objects.exists()
    sign_in(client, olwen)
    page = client.get(url).content.decode()
    assert "Kept note about T7" in page and "You were signed out before this was saved" in page


@pytest.mark.hazard("HAZ-032")
def test_an_amendment_posted_after_expiry_comes_back_with_its_reason(client, clock, item):
    olwen = team_user("olwen", Member.Role.ONCOLOGIST)
    steffan = team_user("steffan", Member.Role.SPINAL_SURGEON)
    data = DecisionInput(
        treatments=["cebrt"],
        no_treatment=False,
        intent="palliative",
        rationale="Radiotherapy alone.",
        patient_preferences_considered=True,
        responsible_member_ids=[olwen.member.pk, steffan.member.pk],
        follow_ups=[],
    )
    signed = decision_record(item_id=item.pk, user=olwen, data=data)
    for user in (olwen, steffan):
        signoff_respond(decision_id=signed.pk, user=user, agree=True)
    url = reverse("decision-amend", args=[signed.pk])
    sign_in(client, olwen)
    idle(clock)

    client.post(
        url,
        {"rationale": RATIONALE, "amendment_reason": "Kept reason: the MRI was re-read", "intent": "palliative"},
    )

    assert Decision.objects.count() == 1  # nothing amended
    sign_in(client, olwen)
    page = client.get(url).content.decode()
    assert RATIONALE in page and "Kept reason: the MRI was re-read" in page
    assert "You were signed out before this was saved" in page


@pytest.mark.hazard("HAZ-032")
def test_the_workspace_case_form_posted_after_expiry_comes_back_filled_in_and_saves(client, clock):
    case = CaseFactory()
    coordinator = coordinator_user("carys")
    url = reverse("admin:cases_case_change", args=[case.pk])
    sign_in(client, coordinator)
    data = admin_post_data(client.get(url), mdt_question="Kept question: surgery or radiotherapy first?")
    idle(clock)

    expired = client.post(url, data)

    assert expired.status_code == 302 and "/login/" in expired["Location"]
    assert Case.objects.get(pk=case.pk).mdt_question == ""
    sign_in(client, coordinator)
    again = client.get(url)
    page = again.content.decode()
    assert "Kept question: surgery or radiotherapy first?" in page
    assert "You were signed out before this was saved" in page
    assert Case.objects.get(pk=case.pk).mdt_question == ""  # shown to be checked, not saved behind their back

    saved = client.post(url, admin_post_data(again))

    assert saved.status_code == 302
    assert Case.objects.get(pk=case.pk).mdt_question == "Kept question: surgery or radiotherapy first?"


def test_every_page_of_a_signed_in_user_carries_the_expiry_warning(client):
    olwen = team_user("olwen", Member.Role.ONCOLOGIST)
    client.force_login(olwen)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'data-idle-seconds="900"' in page and 'id="session-warning"' in page and "js/session.js" in page
    assert client.get(reverse("session-keepalive")).json() == {"idle_seconds": 900}
