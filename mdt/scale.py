"""The MDT side of the benchmark data (cases.scale writes the clinical record): the team,
past meetings with attendance, decisions with their sign-offs and follow-ups, and the next
meeting's agenda with the clinicians' preparations. Bulk inserts, with history rows, seeded.
"""

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts import policy
from accounts.roles import assign_role
from cases.choices import CaseStatus
from cases.models import Case
from mdt.models import AgendaItem, Attendance, Decision, FollowUp, Meeting, Member, Preparation, SignOff, Treatment
from mdt.services.follow_ups import death_reason

PASSWORD = "bench-only-password-2026"  # noqa: S105 - synthetic benchmark users only
# A full team: every role, two of the reviewing roles. The first of each role is bench-<role>.
TEAM = [*Member.Role.values, Member.Role.RADIOLOGIST, Member.Role.ONCOLOGIST, Member.Role.SPINAL_SURGEON]
RECENT_WEEKS = 4  # meetings whose decisions still wait for some sign-offs and follow-ups are open


def seed_team() -> list[Member]:
    User = get_user_model()
    members = []
    for number, role in enumerate(TEAM):
        username = f"bench-{role}" if TEAM.index(role) == number else f"bench-{role}-{number}"
        user = User.objects.create_user(
            username=username, password=PASSWORD, first_name=role.title(), last_name=f"Bench{number}"
        )
        members.append(Member.objects.create(user=user, role=role, job_title=f"Consultant ({role})"))
        assign_role(user, role)
    return members


def seed_meetings(count: int, members: list[Member], *, now: dt.datetime | None = None) -> int:
    """`count` past weekly meetings and the next one (60 cases); returns the number of agenda items."""
    rng = random.Random(2026)
    now = now or timezone.now()
    by_role: dict[str, list[Member]] = {}
    for member in members:
        by_role.setdefault(member.role, []).append(member)
    recorder = by_role[Member.Role.MDT_COORDINATOR][0].user
    case_ids = list(Case.objects.order_by("id").values_list("id", flat=True))
    # The next agenda lists living patients only (a death is withdrawn from it: HAZ-009).
    living = list(Case.objects.filter(patient__died_on__isnull=True).order_by("id").values_list("id", flat=True))
    meetings = []
    for week in range(count, 0, -1):
        starts = now - dt.timedelta(weeks=week)
        meetings.append(
            Meeting(
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                agenda_closes_at=starts - dt.timedelta(days=2),
                status=Meeting.Status.CONCLUDED,
                chair=by_role[Member.Role.ONCOLOGIST][0],
            )
        )
    upcoming = now + dt.timedelta(days=3)
    meetings.append(Meeting(starts_at=upcoming, ends_at=upcoming + dt.timedelta(hours=2), agenda_closes_at=upcoming))
    Meeting.objects.bulk_create(meetings)
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, member=member, present=rng.random() < 0.9)
            for meeting in meetings[:-1]
            for member in members
        ],
        batch_size=2000,
    )
    items: list[AgendaItem] = []
    for meeting in meetings:
        size = 60 if meeting is meetings[-1] else rng.randint(20, 60)  # the agenda benchmark's 60 cases
        status = AgendaItem.Status.LISTED if meeting is meetings[-1] else AgendaItem.Status.DISCUSSED
        population = living if meeting is meetings[-1] else case_ids
        for position, case_id in enumerate(rng.sample(population, size), start=1):
            items.append(
                AgendaItem(
                    meeting=meeting,
                    case_id=case_id,
                    position=position,
                    status=status,
                    question="Synthetic question: treatment options?",
                    presenter=rng.choice(by_role[Member.Role.ONCOLOGIST]),
                    added_by=recorder,
                )
            )
    bulk_create_with_history(items, AgendaItem, batch_size=2000, default_user=recorder)
    listed = [item for item in items if item.status == AgendaItem.Status.LISTED]
    _preparations(listed, members, rng)
    _decisions([item for item in items if item.status == AgendaItem.Status.DISCUSSED], by_role, recorder, rng, now)
    Case.objects.filter(pk__in=[item.case_id for item in listed]).update(status=CaseStatus.AWAITING_MDT)
    return len(items)


def _preparations(items: list[AgendaItem], members: list[Member], rng: random.Random) -> None:
    clinicians = [m for m in members if m.role not in policy.COORDINATOR_ROLES]
    Preparation.objects.bulk_create(
        [Preparation(item=item, member=member) for item in items for member in clinicians if rng.random() < 0.5]
    )


def _decisions(
    items: list[AgendaItem], by_role: dict[str, list[Member]], recorder: Any, rng: random.Random, now: dt.datetime
) -> None:
    """One signed decision per discussed item (recent ones still waiting for a sign-off), each with a follow-up."""
    recent = now - dt.timedelta(weeks=RECENT_WEEKS)
    meeting_start = {m.pk: m.starts_at for m in Meeting.objects.all()}
    decisions = []
    for item in items:
        decided_at = meeting_start[item.meeting_id]
        decisions.append(
            Decision(
                case_id=item.case_id,
                agenda_item=item,
                treatments=[rng.choice([Treatment.CEBRT, Treatment.SBRT, Treatment.STABILISATION])],
                intent="palliative",
                rationale="Synthetic decision.",
                patient_preferences_considered=True,
                decided_at=decided_at,
                recorded_by=recorder,
                status=Decision.Status.AWAITING_SIGNOFF
                if decided_at > recent and rng.random() < 0.3
                else Decision.Status.SIGNED,
            )
        )
    bulk_create_with_history(decisions, Decision, batch_size=2000, default_user=recorder)
    oncologist, surgeon = by_role[Member.Role.ONCOLOGIST][0], by_role[Member.Role.SPINAL_SURGEON][0]
    signoffs, follow_ups = [], []
    for decision in decisions:
        signed = decision.status == Decision.Status.SIGNED
        for member in (oncologist, surgeon):
            agreed = signed or member is oncologist
            signoffs.append(
                SignOff(
                    decision=decision,
                    member=member,
                    response=SignOff.Response.AGREE if agreed else SignOff.Response.PENDING,
                    responded_at=decision.decided_at + dt.timedelta(hours=4) if agreed else None,
                )
            )
        due_on = timezone.localdate(decision.decided_at) + dt.timedelta(days=rng.choice([14, 42, 90]))
        done = due_on < timezone.localdate(now) - dt.timedelta(days=7) and rng.random() < 0.97
        follow_ups.append(
            FollowUp(
                case_id=decision.case_id,
                decision=decision,
                kind=rng.choice([FollowUp.Kind.REPEAT_MRI, FollowUp.Kind.CLINIC_REVIEW]),
                due_on=due_on,
                owner=oncologist,
                completed_at=timezone.make_aware(dt.datetime.combine(due_on, dt.time(12))) if done else None,
                completed_by=oncologist.user if done else None,
            )
        )
    bulk_create_with_history(signoffs, SignOff, batch_size=2000, default_user=recorder)
    _cancelled_at_death(follow_ups, recorder)
    bulk_create_with_history(follow_ups, FollowUp, batch_size=2000, default_user=recorder)


def _cancelled_at_death(follow_ups: list[FollowUp], recorder: Any) -> None:
    """As the death service leaves them (mdt.receivers): a dead patient's open follow-ups cancelled."""
    died_on = {
        case_id: day
        for case_id, day in Case.objects.filter(patient__died_on__isnull=False).values_list("pk", "patient__died_on")
        if day is not None
    }
    for row in follow_ups:
        if row.completed_at is None and row.case_id in died_on:
            row.cancelled_at = timezone.make_aware(dt.datetime.combine(died_on[row.case_id], dt.time(12)))
            row.cancelled_by, row.cancel_reason = recorder, death_reason(died_on[row.case_id])
