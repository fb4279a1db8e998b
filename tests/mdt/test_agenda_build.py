"""Building an agenda: who may add, the rules on what may be listed, and the order of the items."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.choices import CaseStatus, Presentation
from mdt.models import AgendaItem, Meeting, Member
from mdt.services import agenda as services
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, PatientFactory, clinician, coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    return MeetingFactory()


@pytest.fixture
def carys():
    return coordinator()


def add(meeting, *cases, user, **kwargs):
    return services.agenda_add_cases(meeting_id=meeting.pk, case_ids=[c.pk for c in cases], user=user, **kwargs)


def agenda(meeting) -> list:
    return list(meeting.items.listed().order_by("position").values_list("case_id", flat=True))


def test_a_coordinator_adds_cases_with_their_question_and_who_added_them(meeting, carys):
    case = CaseFactory(mdt_question="Surgery before radiotherapy?")

    [item] = add(meeting, case, user=carys, sources={case.pk: AgendaItem.Source.AWAITING_MDT})

    item.refresh_from_db()
    assert (item.question, item.added_by, item.source, item.added_late) == (
        "Surgery before radiotherapy?",
        carys,
        AgendaItem.Source.AWAITING_MDT,
        False,
    )
    assert item.history.count() == 1  # clinical records keep history


def test_it_refuses_the_same_case_twice_and_saves_nothing(meeting, carys):
    listed, new = CaseFactory(), CaseFactory()
    add(meeting, listed, user=carys)

    with pytest.raises(ValidationError) as exc:
        add(meeting, new, listed, user=carys)

    assert exc.value.message_dict["case"] == [
        f"Case {listed.pk} is already on this meeting's agenda: a case is listed once per meeting."
    ]
    assert agenda(meeting) == [listed.pk]  # the valid case was not saved either


def test_the_database_refuses_the_same_case_twice_too(meeting):
    item = AgendaItemFactory(meeting=meeting)

    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(meeting=meeting, case=item.case)


def test_it_refuses_a_closed_case(meeting, carys):
    case = CaseFactory(status=CaseStatus.CLOSED)

    with pytest.raises(ValidationError) as exc:
        add(meeting, case, user=carys)

    assert exc.value.message_dict["case"] == [f"Case {case.pk} is closed: reopen it before listing it for the MDT."]
    assert not AgendaItem.objects.exists()


def test_it_refuses_a_patient_who_has_died(meeting, carys):
    case = CaseFactory(patient=PatientFactory(died_on=timezone.localdate() - dt.timedelta(days=1)))

    with pytest.raises(ValidationError) as exc:
        add(meeting, case, user=carys)

    assert "has died" in exc.value.message_dict["case"][0]
    assert not AgendaItem.objects.exists()


def test_it_refuses_to_add_to_a_meeting_in_the_past(carys):
    past = MeetingFactory(starts_at=timezone.now() - dt.timedelta(days=1))

    with pytest.raises(ValidationError) as exc:
        add(past, CaseFactory(), user=carys)

    assert "already started or is in the past" in exc.value.message_dict["meeting"][0]
    assert not AgendaItem.objects.exists()


def test_it_refuses_to_add_to_a_cancelled_or_concluded_meeting(carys):
    for status in (Meeting.Status.CANCELLED, Meeting.Status.CONCLUDED):
        with pytest.raises(ValidationError):
            add(MeetingFactory(status=status), CaseFactory(), user=carys)
    assert not AgendaItem.objects.exists()


def test_it_refuses_a_case_that_does_not_exist(meeting, carys):
    with pytest.raises(ValidationError) as exc:
        services.agenda_add_cases(meeting_id=meeting.pk, case_ids=[987654], user=carys)

    assert exc.value.message_dict["case"] == ["There is no case 987654."]


# --------------------------------------------------------------------------- the agenda closes


@pytest.fixture
def closed_meeting():
    starts = timezone.now() + dt.timedelta(days=1)
    return MeetingFactory(starts_at=starts, agenda_closes_at=timezone.now() - dt.timedelta(hours=1))


def test_after_the_agenda_closes_a_coordinator_must_give_a_reason(closed_meeting, carys):
    with pytest.raises(ValidationError) as exc:
        add(closed_meeting, CaseFactory(), user=carys)

    assert "give a reason for adding this case late" in exc.value.message_dict["late_reason"][0]
    assert not AgendaItem.objects.exists()


def test_after_the_agenda_closes_a_coordinator_adds_with_a_reason_that_is_recorded(closed_meeting, carys):
    [item] = add(closed_meeting, CaseFactory(), user=carys, late_reason="New cord compression on MRI today")

    item.refresh_from_db()
    assert item.added_late and item.late_reason == "New cord compression on MRI today"


def test_the_database_refuses_a_late_item_without_a_reason(meeting):
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItemFactory(meeting=meeting, added_late=True, late_reason="")


def test_a_clinician_can_list_a_case_until_the_agenda_closes_but_not_after(meeting, closed_meeting):
    surgeon = clinician("surgeon", Member.Role.SPINAL_SURGEON)

    add(meeting, CaseFactory(), user=surgeon)
    with pytest.raises(PermissionDenied):
        add(closed_meeting, CaseFactory(), user=surgeon, late_reason="Please")

    assert meeting.items.count() == 1 and closed_meeting.items.count() == 0


def test_someone_outside_the_team_cannot_list_a_case(meeting):
    from tests.factories import UserFactory

    with pytest.raises(PermissionDenied):
        add(meeting, CaseFactory(), user=UserFactory())


@pytest.mark.parametrize(
    "action",
    [
        lambda item, user: services.agenda_sort(meeting_id=item.meeting_id, user=user),
        lambda item, user: services.agenda_item_move(item_id=item.pk, direction="up", user=user),
        lambda item, user: services.agenda_item_update(item_id=item.pk, user=user, question="?", presenter_id=None),
        lambda item, user: services.agenda_item_withdraw(item_id=item.pk, user=user),
    ],
)
def test_only_a_coordinator_orders_edits_or_withdraws_items(action):
    item = AgendaItemFactory()

    with pytest.raises(PermissionDenied):
        action(item, clinician("oncologist", Member.Role.ONCOLOGIST))


# --------------------------------------------------------------------------- order


def case(presentation: str = Presentation.SUSPECTED_METASTASES, hours_ago: float | None = None, **kwargs):
    started = timezone.now() - dt.timedelta(hours=hours_ago) if hours_ago is not None else None
    flags = ["limb_weakness"] if presentation == Presentation.SUSPECTED_MSCC else ["nocturnal_pain"]
    return CaseFactory(presentation=presentation, red_flags=flags, suspected_diagnosis_at=started, **kwargs)


def test_new_items_go_in_by_urgency_suspected_mscc_first_then_the_clock(meeting, carys):
    known = case(Presentation.KNOWN_DISEASE_REVIEW)
    metastases_old = case(hours_ago=150)  # 1-week MRI clock at risk
    metastases_new = case(hours_ago=10)  # running
    mscc_breached = case(Presentation.SUSPECTED_MSCC, hours_ago=30)  # 24-hour clock breached
    mscc_running = case(Presentation.SUSPECTED_MSCC, hours_ago=2)

    add(meeting, known, metastases_new, mscc_running, user=carys)
    add(meeting, metastases_old, mscc_breached, user=carys)

    assert agenda(meeting) == [mscc_breached.pk, mscc_running.pk, metastases_old.pk, metastases_new.pk, known.pk]


def test_the_coordinator_moves_items_and_later_additions_keep_that_order(meeting, carys):
    first, second, third = case(hours_ago=100), case(hours_ago=50), case(hours_ago=10)
    add(meeting, first, second, third, user=carys)
    third_item = meeting.items.get(case=third)

    services.agenda_item_move(item_id=third_item.pk, direction="up", user=carys)
    services.agenda_item_move(item_id=third_item.pk, direction="up", user=carys)
    services.agenda_item_move(item_id=third_item.pk, direction="up", user=carys)  # already first: no change
    assert agenda(meeting) == [third.pk, first.pk, second.pk]

    urgent = case(Presentation.SUSPECTED_MSCC, hours_ago=1)
    add(meeting, urgent, user=carys)
    assert agenda(meeting) == [urgent.pk, third.pk, first.pk, second.pk]

    services.agenda_sort(meeting_id=meeting.pk, user=carys)  # back to the default rule
    assert agenda(meeting) == [urgent.pk, first.pk, second.pk, third.pk]


def test_positions_stay_1_to_n_after_a_withdrawal_and_a_withdrawn_case_can_be_listed_again(meeting, carys):
    a, b, c = case(hours_ago=30), case(hours_ago=20), case(hours_ago=10)
    add(meeting, a, b, c, user=carys)
    item_b = meeting.items.get(case=b)

    services.agenda_item_withdraw(item_id=item_b.pk, user=carys)

    assert agenda(meeting) == [a.pk, c.pk]
    assert list(meeting.items.listed().order_by("position").values_list("position", flat=True)) == [1, 2]
    add(meeting, b, user=carys)
    assert agenda(meeting) == [a.pk, b.pk, c.pk]
    assert meeting.items.filter(case=b).count() == 1


def test_a_coordinator_sets_the_question_and_the_presenter(meeting, carys):
    item = AgendaItemFactory(meeting=meeting)
    surgeon = clinician("surgeon", Member.Role.SPINAL_SURGEON).member

    services.agenda_item_update(item_id=item.pk, user=carys, question=" Stabilise T7? ", presenter_id=surgeon.pk)

    item.refresh_from_db()
    assert (item.question, item.presenter) == ("Stabilise T7?", surgeon)


def test_the_presenter_must_be_an_active_member(meeting, carys):
    item = AgendaItemFactory(meeting=meeting)
    former = clinician("former", Member.Role.ONCOLOGIST).member
    former.active = False
    former.save()

    with pytest.raises(ValidationError) as exc:
        services.agenda_item_update(item_id=item.pk, user=carys, question="", presenter_id=former.pk)

    assert "presenter" in exc.value.message_dict
