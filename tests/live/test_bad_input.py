"""Bad input on the live pages: a number written in other digits ("\u00b2", full-width, Arabic-Indic), a sign, a
number past the id column or nothing is refused with a message naming the field, never a 500, and changes
nothing; a note past its length is refused the same way on every path."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from live import services
from live.delivery import delivery_record
from live.models import CheckIn, Delivery, LiveSession, StandardOfCare, Trial, TrialConsideration
from live.standard_of_care import standard_of_care_record
from mdt.models import AgendaItem, Decision
from tests.accounts.test_write_walk import row_total
from tests.factories import CaseFactory, decision
from tests.live.makers import room
from tests.live.test_live_screen import DECISION

pytestmark = pytest.mark.django_db

ODD = ["\u00b2", "\uff11\uff12", "\u0663", "-1", "99999999999999999999", ""]
FULL_WIDTH = {ord(digit): ord(digit) + 0xFEE0 for digit in "0123456789"}  # full-width digits
LONG = "x" * 2001


def errors(response):
    return " ".join(str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error")


def successes(response):
    return " ".join(str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "success")


@pytest.fixture
def started():
    r = room(3)
    services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    services.live_check_in(meeting_id=r.meeting.pk, user=r.oncologist)
    return r


def live_posts(r):
    """(action, the form as the page posts it, the field given the odd value, the field's label)."""
    here, last = r.items[0].pk, r.items[2].pk
    return [
        (
            "step",
            {"action": "jump", "from_item": here, "to_item": last},
            "to_item",
            "Jump to case",
        ),  # the list's label on the screen
        ("step", {"action": "next", "from_item": here}, "from_item", "The case on your screen"),
        ("recording", {"from_item": here}, "from_item", "The case on your screen"),
        ("outcome", {"action": "not_discussed", "from_item": here}, "from_item", "The case on your screen"),
        ("confirm", {"member": r.oncologist.member.pk}, "member", "Whose attendance"),
    ]


@pytest.mark.parametrize("raw", ODD)
@pytest.mark.parametrize("which", range(5))
def test_an_odd_number_on_the_live_screen_is_refused_naming_the_field_and_changes_nothing(client, started, which, raw):
    action, data, field, label = live_posts(started)[which]
    client.force_login(started.coordinator)
    before, version = row_total(), LiveSession.objects.get().version

    response = client.post(reverse(f"live:{action}", args=[started.meeting.pk]), {**data, field: raw})

    assert response.status_code == 302
    refused = errors(response)
    assert refused and (label in refused or raw == "")
    assert row_total() == before and LiveSession.objects.get().version == version


def test_full_width_digits_of_a_real_id_are_not_read_as_that_id(client, started):
    client.force_login(started.coordinator)
    here, last = started.items[0].pk, started.items[2].pk
    step = reverse("live:step", args=[started.meeting.pk])
    client.post(step, {"action": "jump", "from_item": here, "to_item": str(last).translate(FULL_WIDTH)})
    assert LiveSession.objects.get().current_item_id == here
    member = str(started.oncologist.member.pk).translate(FULL_WIDTH)
    client.post(reverse("live:confirm", args=[started.meeting.pk]), {"member": member})
    assert CheckIn.objects.get().confirmed_at is None


@pytest.fixture
def chosen():
    return decision(CaseFactory(), timezone.now() - dt.timedelta(days=3), ["cebrt"])


@pytest.mark.parametrize("raw", ODD)
def test_an_odd_trial_number_is_refused_on_the_trials_page(client, started, chosen, raw):
    Trial.objects.create(name="SPINE-RT")
    client.force_login(started.oncologist)
    before = row_total()

    response = client.post(reverse("live:trials-record", args=[chosen.pk]), {"trial_considered": "yes", "trial": raw})

    assert response.status_code == 302 and "trial" in errors(response).lower()
    assert row_total() == before


@pytest.mark.parametrize("raw", ["\u00b2", "\u0661", "99999999999999999999"])
@pytest.mark.parametrize("where", ["live", "outcome page"])
def test_an_odd_trial_number_with_a_decision_saves_neither(client, started, where, raw):
    Trial.objects.create(name="SPINE-RT")
    item = started.items[0]
    posted = {**DECISION, "responsible": [started.oncologist.member.pk, started.surgeon.member.pk]}
    posted.update({"trial_considered": "yes", "trial": raw, "from_item": item.pk})
    if where == "live":
        client.force_login(started.coordinator)
        client.post(reverse("live:recording", args=[started.meeting.pk]), {"from_item": item.pk})
        url = reverse("live:outcome", args=[started.meeting.pk])
    else:
        client.force_login(started.oncologist)
        url = reverse("item-decision", args=[started.meeting.pk, item.pk])

    response = client.post(url, posted)

    assert response.status_code == 200 and "Choose the trial that was considered." in response.content.decode()
    assert not Decision.objects.exists() and not TrialConsideration.objects.exists()


@pytest.mark.parametrize("raw", ["\u00b2", "2026-13-45", "99999999999999999999", ""])
def test_an_odd_delivery_date_is_refused_naming_the_field(client, started, chosen, raw):
    client.force_login(started.oncologist)
    url = reverse("live:delivery-record", args=[chosen.pk])

    response = client.post(url, {"treatment": "cebrt", "delivered": "yes", "delivered_on": raw})

    assert response.status_code == 302 and "Delivered on: " in errors(response)
    assert not Delivery.objects.exists()


def test_a_note_past_its_length_is_refused_naming_the_field_on_the_pages_and_in_the_services(client, started, chosen):
    client.force_login(started.oncologist)
    url = reverse("live:delivery-record", args=[chosen.pk])
    response = client.post(url, {"treatment": "cebrt", "delivered": "no", "reason": "other", "note": LONG})
    assert "Note: Ensure this value has at most 2000 characters" in errors(response)
    with pytest.raises(ValidationError) as refused:  # the feed's path too
        delivery_record(decision_id=chosen.pk, treatment="cebrt", user=None, delivered_on=None, reason="other",
                        note=LONG, source="feed")  # fmt: skip
    assert "note" in refused.value.message_dict
    assert not Delivery.objects.exists()

    item = started.items[1]
    url = reverse("live:standard-of-care-change", args=[started.meeting.pk, item.pk])
    response = client.post(url, {"protocol": "Breast SBRT v2", "note": LONG})
    assert "How the case meets it: Ensure this value has at most 2000 characters" in errors(response)
    with pytest.raises(ValidationError) as refused:
        standard_of_care_record(item_id=item.pk, user=started.oncologist, protocol="Breast SBRT v2", note=LONG)
    assert "note" in refused.value.message_dict
    assert not StandardOfCare.objects.exists()


def test_each_confirmation_on_the_live_pages_names_the_patient_by_mrn(client, started, chosen):
    mrn = chosen.case.patient.mrn
    client.force_login(started.oncologist)
    delivered = {"treatment": "cebrt", "delivered": "yes", "delivered_on": f"{timezone.localdate():%Y-%m-%d}"}
    response = client.post(reverse("live:delivery-record", args=[chosen.pk]), delivered)
    assert f"Delivery recorded. MRN {mrn}." in successes(response)
    answer = {"trial_considered": "no", "trial_why_not": "None open"}
    response = client.post(reverse("live:trials-record", args=[chosen.pk]), answer)
    assert f"Trial consideration recorded. MRN {mrn}." in successes(response)

    item = started.items[1]
    listed_mrn = item.case.patient.mrn
    url = reverse("live:standard-of-care-change", args=[started.meeting.pk, item.pk])
    response = client.post(url, {"protocol": "Breast SBRT v2"})
    assert f"MRN {listed_mrn}." in successes(response) and "Listed as standard of care" in successes(response)
    response = client.post(url, {"action": "withdraw"})
    assert f"Back to a full discussion. MRN {listed_mrn}." in successes(response)

    client.force_login(started.coordinator)
    here = started.items[0]
    posted = {"action": "not_discussed", "from_item": here.pk}
    response = client.post(reverse("live:outcome", args=[started.meeting.pk]), posted)
    assert f"Outcome recorded for MRN {here.case.patient.mrn}: not discussed." in successes(response)
    assert AgendaItem.objects.get(pk=here.pk).status == AgendaItem.Status.NOT_DISCUSSED
    assert Decision.objects.count() == 1  # only the urgent one made above
