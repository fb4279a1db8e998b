"""Standard-of-care listing: a lead clinician lists a case as reviewed against an agreed protocol; the
live screen's Next passes over it and every screen lists it; back to a full discussion keeps the history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from live import selectors, services
from live.models import LiveSession, StandardOfCare
from live.standard_of_care import standard_of_care_record, standard_of_care_withdraw
from mdt.models import AgendaItem, Member
from tests.factories import team_user
from tests.live.makers import room

pytestmark = pytest.mark.django_db

PROTOCOL = "Local single-fraction radiotherapy protocol v2"


def test_next_passes_over_a_standard_of_care_case_and_jump_still_reaches_it():
    r = room(3)
    first, second, third = r.items
    standard_of_care_record(item_id=second.pk, user=r.oncologist, protocol=PROTOCOL, note="Stable, painful T9")
    services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)

    moved = services.live_step(meeting_id=r.meeting.pk, user=r.coordinator, action="next", from_item_id=first.pk)
    assert moved.current_item_id == third.pk
    back = services.live_step(meeting_id=r.meeting.pk, user=r.coordinator, action="back", from_item_id=third.pk)
    assert back.current_item_id == first.pk
    jumped = services.live_step(
        meeting_id=r.meeting.pk, user=r.coordinator, action="jump", from_item_id=first.pk, to_item_id=second.pk
    )
    assert jumped.current_item_id == second.pk
    view = selectors.live_view(r.meeting.pk)
    assert view.current_standard.protocol == PROTOCOL
    assert [item.pk for item, _ in view.standard_items] == [second.pk]


def test_listing_changes_what_the_followers_poll_and_shows_on_their_screens(client):
    r = room(2)
    services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    before = selectors.state_tag(r.meeting.pk)

    standard_of_care_record(item_id=r.items[1].pk, user=r.surgeon, protocol=PROTOCOL)

    assert selectors.state_tag(r.meeting.pk) != before
    client.force_login(r.radiologist)
    body = client.get(reverse("live:state", args=[r.meeting.pk])).content.decode()
    assert "Reviewed against the standard of care (1)" in body and PROTOCOL in body


def test_only_a_lead_clinician_and_the_cases_own_when_it_has_one_lists_it():
    r = room(2)
    with pytest.raises(PermissionDenied):
        standard_of_care_record(item_id=r.items[0].pk, user=r.radiologist, protocol=PROTOCOL)
    with pytest.raises(PermissionDenied):
        standard_of_care_record(item_id=r.items[0].pk, user=r.coordinator, protocol=PROTOCOL)
    case = r.items[0].case
    case.responsible_clinician = r.oncologist
    case.save()
    other = team_user("other_surgeon", Member.Role.SPINAL_SURGEON)
    with pytest.raises(ValidationError, match="responsible clinician"):
        standard_of_care_record(item_id=r.items[0].pk, user=other, protocol=PROTOCOL)
    with pytest.raises(ValidationError) as refused:
        standard_of_care_record(item_id=r.items[0].pk, user=r.oncologist, protocol="  ")
    assert "protocol" in refused.value.message_dict
    assert not StandardOfCare.objects.exists()


def test_a_case_with_an_outcome_cannot_be_listed_and_back_to_full_discussion_keeps_the_history():
    r = room(2)
    standard_of_care_record(item_id=r.items[0].pk, user=r.oncologist, protocol=PROTOCOL)
    standard_of_care_withdraw(item_id=r.items[0].pk, user=r.oncologist)

    review = StandardOfCare.objects.get()
    assert review.withdrawn_at is not None
    assert [h.history_user for h in review.history.order_by("history_date")] == [r.oncologist, r.oncologist]
    assert selectors.live_view(r.meeting.pk).standard_of_care == {}
    AgendaItem.objects.filter(pk=r.items[1].pk).update(status=AgendaItem.Status.NOT_DISCUSSED)
    with pytest.raises(ValidationError, match="already recorded"):
        standard_of_care_record(item_id=r.items[1].pk, user=r.oncologist, protocol=PROTOCOL)


def test_the_page_lists_every_case_and_offers_the_form_to_lead_clinicians_only(client):
    r = room(2)
    url = reverse("live:standard-of-care", args=[r.meeting.pk])
    client.force_login(r.radiologist)
    page = client.get(url).content.decode()
    assert "GRIFFITHS, Alys" in page and "List as standard of care" not in page

    client.force_login(r.oncologist)
    assert "List as standard of care" in client.get(url).content.decode()
    change = reverse("live:standard-of-care-change", args=[r.meeting.pk, r.items[0].pk])
    response = client.post(change, {"protocol": "", "action": "record"}, follow=True)
    assert "Name the protocol the case follows." in response.content.decode()
    client.post(change, {"protocol": PROTOCOL, "note": "Stable", "action": "record"})
    assert StandardOfCare.objects.get().protocol == PROTOCOL
    assert not LiveSession.objects.exists()  # listing before the meeting needs no live screen


def test_the_page_is_the_same_queries_for_one_case_or_four_editable_or_read_only(client):
    """Measured in bench/weekly.py at 60 editable rows: the queries must not grow with the rows."""
    counts: dict[str, list[int]] = {"lead": [], "radiologist": []}
    for size, prefix in ((1, "one_"), (4, "four_")):
        r = room(size, prefix=prefix)
        standard_of_care_record(item_id=r.items[0].pk, user=r.oncologist, protocol=PROTOCOL)
        url = reverse("live:standard-of-care", args=[r.meeting.pk])
        for who, user in (("lead", r.oncologist), ("radiologist", r.radiologist)):
            client.force_login(user)
            with CaptureQueriesContext(connection) as queries:
                page = client.get(url).content.decode()
            counts[who].append(len(queries))
            forms = page.count("List as standard of care")
            assert forms == (size - 1 if who == "lead" else 0)  # the listed one shows its review instead
            assert PROTOCOL in page
    assert counts["lead"][0] == counts["lead"][1] and counts["radiologist"][0] == counts["radiologist"][1]
