"""Acting on the agenda page: preparation marks, adding candidates, reordering and editing items."""

import pytest
from django.urls import reverse

from cases.choices import CaseStatus
from mdt.models import AgendaItem, Member, Preparation
from tests.factories import (
    AgendaItemFactory,
    CaseFactory,
    clinician,
    coordinator,
)
from tests.mdt.agenda_page.helpers import url

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- preparation


def test_a_clinician_marks_a_case_prepared_and_the_coordinator_sees_who(client, meeting):
    item = AgendaItemFactory(meeting=meeting)
    surgeon = clinician("surgeon", Member.Role.SPINAL_SURGEON)
    surgeon.first_name, surgeon.last_name = "Sofia", "Marin"
    surgeon.save()
    client.force_login(surgeon)

    response = client.post(reverse("agenda-item-prepared", args=[meeting.pk, item.pk]), {"prepared": "1"})

    assert response.status_code == 302 and response["Location"].endswith(f"#item-{item.pk}")
    assert Preparation.objects.filter(item=item, member=surgeon.member).exists()
    assert "You have prepared this case" in client.get(url(meeting)).content.decode()
    client.force_login(coordinator())
    assert "Prepared by: Sofia Marin (Spinal surgeon)" in client.get(url(meeting)).content.decode()


def test_marking_twice_keeps_one_mark_and_undo_removes_it(client, meeting):
    item = AgendaItemFactory(meeting=meeting)
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))
    prepared = reverse("agenda-item-prepared", args=[meeting.pk, item.pk])

    client.post(prepared, {"prepared": "1"})
    client.post(prepared, {"prepared": "1"})
    assert item.preparations.count() == 1
    client.post(prepared, {"prepared": "0"})
    assert item.preparations.count() == 0


def test_a_coordinator_cannot_mark_preparation_for_a_clinician(client, meeting):
    item = AgendaItemFactory(meeting=meeting)
    client.force_login(coordinator())

    response = client.post(reverse("agenda-item-prepared", args=[meeting.pk, item.pk]), {"prepared": "1"})

    assert response.status_code == 403
    assert not Preparation.objects.exists()


def test_an_item_of_another_meeting_is_a_404(client, meeting):
    other = AgendaItemFactory()
    client.force_login(clinician())

    assert client.post(reverse("agenda-item-prepared", args=[meeting.pk, other.pk])).status_code == 404


def test_actions_accept_only_post(client, meeting):
    item = AgendaItemFactory(meeting=meeting)
    client.force_login(coordinator())

    assert client.get(reverse("agenda-item-withdraw", args=[meeting.pk, item.pk])).status_code == 405


# --------------------------------------------------------------------------- building from the page


def test_the_coordinator_adds_ticked_candidates_from_the_page(client, meeting):
    first, second = CaseFactory(status=CaseStatus.AWAITING_MDT), CaseFactory(status=CaseStatus.AWAITING_MDT)
    client.force_login(coordinator())

    response = client.post(
        reverse("agenda-add", args=[meeting.pk]),
        {"case_ids": [first.pk, second.pk], f"source-{first.pk}": "awaiting_mdt", f"source-{second.pk}": "bogus"},
        follow=True,
    )

    assert "2 cases added to the agenda." in response.content.decode()
    assert dict(meeting.items.values_list("case_id", "source")) == {first.pk: "awaiting_mdt", second.pk: "added"}


def test_bad_input_on_the_page_gives_a_clear_message_and_saves_nothing(client, meeting):
    closed = CaseFactory(status=CaseStatus.CLOSED)
    client.force_login(coordinator())

    response = client.post(reverse("agenda-add", args=[meeting.pk]), {"case_number": closed.pk}, follow=True)

    assert f"Case {closed.pk} is closed: reopen it before listing it for the MDT." in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_adding_nothing_says_what_to_do(client, meeting):
    client.force_login(coordinator())

    response = client.post(reverse("agenda-add", args=[meeting.pk]), {}, follow=True)

    assert "Tick at least one candidate, or type a case number." in response.content.decode()


def test_the_coordinator_reorders_and_edits_items_from_the_page(client, meeting):
    first, second = AgendaItemFactory(meeting=meeting, position=1), AgendaItemFactory(meeting=meeting, position=2)
    oncologist = clinician("oncologist", Member.Role.ONCOLOGIST).member
    client.force_login(coordinator())

    client.post(reverse("agenda-item-move", args=[meeting.pk, second.pk]), {"direction": "up"})
    first.refresh_from_db()  # the page as it is shown after the move, with the item's version
    client.post(
        reverse("agenda-item-update", args=[meeting.pk, first.pk]),
        {
            f"item{first.pk}-question": "Vertebroplasty?",
            f"item{first.pk}-presenter": oncologist.pk,
            f"item{first.pk}-loaded_version": first.version,
        },
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.position, first.position) == (1, 2)
    assert (first.question, first.presenter) == ("Vertebroplasty?", oncologist)


def test_the_coordinator_adds_every_candidate_in_one_click(client, meeting):
    waiting = [CaseFactory(status=CaseStatus.AWAITING_MDT) for _ in range(3)]
    client.force_login(coordinator())
    assert "Add all 3 candidates" in client.get(url(meeting)).content.decode()

    response = client.post(reverse("agenda-add", args=[meeting.pk]), {"all_candidates": "1"}, follow=True)

    assert "3 cases added to the agenda." in response.content.decode()
    assert set(meeting.items.values_list("case_id", flat=True)) == {case.pk for case in waiting}
    assert set(meeting.items.values_list("source", flat=True)) == {AgendaItem.Source.AWAITING_MDT}


def test_a_clinician_cannot_add_the_whole_candidate_list(client, meeting):
    CaseFactory(status=CaseStatus.AWAITING_MDT)
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))

    response = client.post(reverse("agenda-add", args=[meeting.pk]), {"all_candidates": "1"})

    assert response.status_code == 403
    assert not AgendaItem.objects.exists()
