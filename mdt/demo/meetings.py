"""The demo meetings: three past ones with outcomes, sign-offs and attendance, and next week's agenda
built from the candidate list as a coordinator would."""

import datetime as dt

from django.utils import timezone

from accounts import policy
from cases.choices import CaseStatus, TreatmentModality
from cases.models import Case
from core.timezones import local_datetime, local_day
from mdt.candidates import agenda_candidates
from mdt.models import AgendaItem, Attendance, Decision, FollowUp, Intent, Meeting, Member, SignOff, Treatment
from mdt.services import agenda as mdt_services


def seed_meetings() -> int:
    """Weekly Wednesday meetings: three past ones with outcomes and attendance, next week's with
    an agenda built from the candidate list, and the following weeks scheduled. Created once:
    nothing is added when any meeting exists."""
    if Meeting.objects.exists():
        return 0
    members = {m.role: m for m in Member.objects.select_related("user").order_by("id")}
    today = timezone.localdate()
    last = today - dt.timedelta(days=(today.weekday() - 2) % 7 or 7)  # the last Wednesday before today
    upcoming = today + dt.timedelta(days=(2 - today.weekday()) % 7 or 7)  # the next Wednesday after today

    def meeting(day: dt.date, status: str) -> Meeting:
        starts = local_datetime(day, dt.time(13, 0))
        return Meeting.objects.create(
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            agenda_closes_at=local_datetime(day - dt.timedelta(days=2), dt.time(12)),
            location="Seminar room 2, Cancer Centre",
            video_link="https://video.example.org/spinal-mdt",
            chair=members.get(Member.Role.ONCOLOGIST),
            status=status,
        )

    discussed = [CaseStatus.DECIDED, CaseStatus.TREATMENT, CaseStatus.FOLLOW_UP, CaseStatus.CLOSED]
    past_cases = list(Case.objects.filter(status__in=discussed).order_by("id"))
    created = 0
    for week, day in enumerate([last - dt.timedelta(days=14), last - dt.timedelta(days=7), last]):
        held = meeting(day, Meeting.Status.CONCLUDED)
        created += 1
        _hold(held, week, past_cases, members, last_meeting=day == last)
    following = [meeting(upcoming + dt.timedelta(weeks=week), Meeting.Status.SCHEDULED) for week in range(4)]
    created += len(following)
    seed_next_agenda(following[0], members)
    return created


def _hold(held: Meeting, week: int, past_cases: list[Case], members: dict[str, Member], *, last_meeting: bool) -> None:
    """A past meeting as it went: its agenda discussed, a case carried forward, outcomes, attendance."""
    clinical = [m for m in members.values() if m.role in policy.CLINICAL_ROLES]
    # Cases referred at least a day before the meeting, a different few each week.
    referred = [case for case in past_cases if case.referred_at < held.starts_at - dt.timedelta(days=1)]
    listed = referred[week::3][:4]
    for position, case in enumerate(listed, start=1):
        AgendaItem.objects.create(
            meeting=held,
            case=case,
            position=position,
            question=case.mdt_question,
            presenter=clinical[position % len(clinical)] if clinical else None,
            status=AgendaItem.Status.DISCUSSED,
            source=AgendaItem.Source.AWAITING_MDT,
        )
    follow_ups = [c for c in referred if c.status == CaseStatus.FOLLOW_UP and c not in listed]
    carried = follow_ups[-1] if follow_ups else None
    if last_meeting and carried is not None:  # ran out of time: a candidate for next week
        AgendaItem.objects.create(
            meeting=held,
            case=carried,
            position=9,
            question=carried.mdt_question,
            status=AgendaItem.Status.NOT_DISCUSSED,
            source=AgendaItem.Source.AWAITING_MDT,
        )
    seed_decisions(held, members, last_meeting=last_meeting)
    for member in members.values():
        # The first meeting had no radiologist: the meetings list and its page flag it as not quorate.
        present = not (week == 0 and member.role == Member.Role.RADIOLOGIST)
        Attendance.objects.create(meeting=held, member=member, present=present)


def seed_decisions(held: Meeting, members: dict[str, Member], *, last_meeting: bool) -> None:
    """Decisions for a past meeting's discussed cases, as the MDT recorded and signed them.

    Written directly (not through the services) so that their times are the meeting's, not now.
    The last meeting's last decision still waits for the surgeon's signature, and one follow-up
    asks for re-discussion at next week's meeting.
    """
    oncologist, surgeon = members.get(Member.Role.ONCOLOGIST), members.get(Member.Role.SPINAL_SURGEON)
    if oncologist is None or surgeon is None:
        return
    items = list(held.items.filter(status=AgendaItem.Status.DISCUSSED).select_related("case").order_by("position"))
    by_modality: dict[str, list[Treatment]] = {
        TreatmentModality.RADIOTHERAPY: [Treatment.CEBRT, Treatment.STEROIDS, Treatment.ANALGESIA],
        TreatmentModality.SURGERY: [Treatment.STABILISATION, Treatment.CEBRT],
    }
    for index, item in enumerate(items):
        decided = held.starts_at + dt.timedelta(minutes=10 * (index + 1))
        treatments = by_modality.get(item.case.treatment_modality, [Treatment.BEST_SUPPORTIVE_CARE])
        decision = Decision.objects.create(
            case=item.case,
            agenda_item=item,
            treatments=treatments,
            intent=Intent.SUPPORTIVE if treatments == [Treatment.BEST_SUPPORTIVE_CARE] else Intent.PALLIATIVE,
            rationale="Discussed with the imaging and scores; plan agreed by the MDT.",
            patient_preferences_considered=True,
            patient_preferences_note="Wishes to stay as mobile as possible; happy to travel for radiotherapy.",
            decided_at=decided,
            recorded_by=oncologist.user,
        )
        pending = last_meeting and index == len(items) - 1
        for member in (oncologist, surgeon):
            waiting = pending and member is surgeon
            SignOff.objects.create(
                decision=decision,
                member=member,
                response=SignOff.Response.PENDING if waiting else SignOff.Response.AGREE,
                responded_at=None if waiting else decided + dt.timedelta(hours=2),
            )
        if not pending:
            decision.status = Decision.Status.SIGNED
            decision.save(update_fields=["status"])
        FollowUp.objects.create(
            case=item.case,
            decision=decision,
            kind=FollowUp.Kind.REPEAT_MRI,
            due_on=local_day(decided) + dt.timedelta(days=6 if index == 0 else 42),
            owner=oncologist,
            rediscuss=index == 0 and last_meeting,
        )


def seed_next_agenda(meeting: Meeting, members: dict[str, Member]) -> None:
    """Next week's agenda as a coordinator builds it: every candidate, presenters, some preparation."""
    coordinator = members.get(Member.Role.MDT_COORDINATOR)
    candidates = agenda_candidates(meeting=meeting)
    if coordinator is None or not candidates:
        return
    mdt_services.agenda_add_cases(
        meeting_id=meeting.pk,
        case_ids=[candidate.case.pk for candidate in candidates],
        user=coordinator.user,
        late_reason="Demo agenda, built after the agenda closed." if meeting.agenda_is_closed() else "",
        sources={candidate.case.pk: candidate.source for candidate in candidates},
    )
    presenters = [members[role] for role in Member.QUORUM_ROLES if role in members]
    items = list(meeting.items.order_by("position"))
    for index, item in enumerate(items):
        if presenters:
            item.presenter = presenters[index % len(presenters)]
            item.save(update_fields=["presenter", "updated_at"])
    for role, count in ((Member.Role.ONCOLOGIST, 3), (Member.Role.SPINAL_SURGEON, 1)):
        if role in members:
            for item in items[:count]:
                mdt_services.agenda_item_set_prepared(item_id=item.pk, user=members[role].user, prepared=True)
