"""Writes for decisions: record, sign off, amend, urgent decisions, item outcomes, follow-ups.

Every function checks who may act (PermissionDenied), refuses bad input with a
ValidationError keyed by field, locks the rows it changes, writes history with the
acting user, and runs a fixed number of queries however many clinicians or
follow-ups a decision names (bulk inserts with history).
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts import policy
from cases.choices import CaseStatus
from cases.models import Case
from cases.status import CaseEvent, next_status
from core.concurrency import changes_since
from core.fields import validate_only
from core.history import save_as
from core.timezones import local_day
from mdt.models import AgendaItem, Decision, FollowUp, Meeting, Member, SignOff


@dataclass
class DecisionInput:
    treatments: list[str]
    no_treatment: bool
    intent: str
    rationale: str
    patient_preferences_considered: bool
    patient_preferences_note: str = ""
    responsible_member_ids: list[int] = field(default_factory=list)
    follow_ups: list[dict[str, Any]] = field(default_factory=list)  # kind, due_on, owner_id, rediscuss, note


def _require_recorder(user: Any) -> None:
    if not policy.can_record_decision(user):
        raise PermissionDenied("Only members of the MDT may record decisions.")


def _responsible(ids: list[int], *, treatment: bool) -> list[Member]:
    """The named clinicians, checked: clinical roles, active, and for treatment an oncologist and a spinal surgeon."""
    members = list(Member.objects.select_related("user").filter(pk__in=set(ids)))
    if not members:
        raise ValidationError({"responsible": "Name the clinicians responsible for this decision."})
    not_clinical = [m for m in members if policy.role_is_coordinator(m.role) or not m.active]
    if not_clinical:
        names = ", ".join(str(m) for m in not_clinical)
        raise ValidationError({"responsible": f"Only active clinicians sign decisions, not {names}."})
    if treatment and not policy.roles_may_decide_treatment(m.role for m in members):
        raise ValidationError(
            {"responsible": "A treatment decision needs an oncologist and a spinal surgeon among the responsible."}
        )
    not_signers = [m for m in members if not policy.role_may_sign(m.role)]
    if not_signers:
        names = ", ".join(str(m) for m in not_signers)
        raise ValidationError(
            {
                "responsible": "Only an oncologist, a spinal surgeon or a radiologist signs a decision, "
                f"not {names}: they may record it and are listed as present."
            }
        )
    return members


def _follow_ups(data: DecisionInput, decision: Decision, not_before: dt.date) -> list[FollowUp]:
    """The follow-ups to create, checked; none may be due before `not_before` (the meeting's day, or today)."""
    wanted = {f["owner_id"] for f in data.follow_ups}
    owners = {m.pk: m for m in Member.objects.filter(pk__in=wanted)} if wanted else {}
    follow_ups = []
    for number, entry in enumerate(data.follow_ups, start=1):
        owner = owners.get(entry["owner_id"])
        if owner is None:
            raise ValidationError({"follow_ups": f"Follow-up {number}: choose who owns it."})
        early = FollowUp.early_due_error(entry["due_on"], not_before)
        if early:
            raise ValidationError({"follow_ups": f"Follow-up {number}: {early}"})
        follow_up = FollowUp(
            case=decision.case,
            decision=decision,
            kind=entry["kind"],
            due_on=entry["due_on"],
            owner=owner,
            rediscuss=bool(entry.get("rediscuss")),
            note=entry.get("note", ""),
        )
        try:
            follow_up.full_clean(
                exclude=["case", "decision", "owner"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            raise ValidationError(
                {"follow_ups": [f"Follow-up {number}: {message}" for message in exc.messages]}
            ) from exc
        follow_ups.append(follow_up)
    return follow_ups


def _apply(decision: Decision, data: DecisionInput) -> None:
    decision.treatments = list(dict.fromkeys(data.treatments))
    decision.no_treatment = data.no_treatment
    decision.intent = data.intent
    decision.rationale = data.rationale.strip()
    decision.patient_preferences_considered = data.patient_preferences_considered
    decision.patient_preferences_note = data.patient_preferences_note.strip()
    # Foreign keys were loaded by the caller and uniqueness is held by the row lock: validate the values only
    # (each skipped check would be one more query per save).
    decision.full_clean(
        exclude=["case", "agenda_item", "recorded_by", "amends", "ratified_by"],
        validate_unique=False,
        validate_constraints=False,
    )


def _name_signers(decision: Decision, members: list[Member], user: Any) -> None:
    bulk_create_with_history([SignOff(decision=decision, member=m) for m in members], SignOff, default_user=user)


def _case_after_decision(decision: Decision, user: Any) -> None:
    """The decision starts the clocks (plan agreed; decision to treat) and moves the case on.

    A decision for further imaging with nothing beyond the measures of the meantime (pain relief, steroids,
    physiotherapy, a brace: `Decision.awaits_further_imaging`) agrees no treatment plan: the plan and
    decision-to-treat times are left as they were, so the "MRI and plan" clock keeps running (HAZ-026).

    An amendment that keeps the same modality does not restart the decision-to-treat clock: the
    radiotherapy target still counts from the first decision, so an amendment cannot hide a breach.
    Once treatment has started, a later decision (the case discussed again, or an amendment) leaves the
    clocks of the treatment given as recorded: the decision to treat came before that treatment
    (`case_treatment_after_decision`), and moving it after would erase a met or breached clock.
    """
    case = Case.objects.select_for_update().get(pk=decision.case_id)
    plan = not decision.awaits_further_imaging  # further imaging first: the plan and its clocks still to come
    if plan:
        case.treatment_plan_agreed_at = case.treatment_plan_agreed_at or decision.decided_at
    same_treatment = decision.amends_id is not None and case.treatment_modality == decision.modality
    if plan and case.treatment_start_at is None and not (same_treatment and case.decision_to_treat_at):
        case.decision_to_treat_at = decision.decided_at
        case.treatment_modality = decision.modality
    # Radiotherapy anywhere in the plan starts its own 24-hour clock (cases.clocks.radiotherapy_in_plan),
    # even when surgery or cement augmentation comes first and names the modality.
    case.radiotherapy_planned = decision.includes_radiotherapy
    case.status = next_status(case.status, CaseEvent.DECIDED)  # never backwards, never a closed case
    case.version += 1  # an edit form opened before the decision must not overwrite these
    save_as(
        user,
        case,
        update_fields=[
            "treatment_plan_agreed_at",
            "decision_to_treat_at",
            "treatment_modality",
            "radiotherapy_planned",
            "status",
            "version",
            "updated_at",
        ],
    )


def _conflict(decision: Decision, loaded_version: int | None) -> str:
    """What the other person saved, so the second writer can see it before reloading."""
    opening = "Someone else saved this decision after you opened it, so your changes were not saved."
    details = changes_since(decision, loaded_version) if loaded_version is not None else []
    if not details:
        who = decision.recorded_by.get_full_name() or decision.recorded_by.get_username()
        treatments = "no active treatment" if decision.no_treatment else "; ".join(decision.treatment_labels)
        details = [f"{who} recorded: {treatments}. Rationale: {decision.rationale}"]
    return f"{opening} {' '.join(details)}. Copy anything you need and reload the page to see their version."


@transaction.atomic
def decision_record(*, item_id: int, user: Any, data: DecisionInput, loaded_version: int | None = None) -> Decision:
    """Record (or, while nobody has signed, revise) the outcome of an agenda item as discussed."""
    _require_recorder(user)
    item = AgendaItem.objects.select_for_update().select_related("meeting", "case").get(pk=item_id)
    if item.status == AgendaItem.Status.WITHDRAWN:
        raise ValidationError({"status": "This case was withdrawn from the agenda."})
    item.meeting.require_outcomes_open(field="status")
    decision = (
        Decision.objects.select_for_update().filter(agenda_item=item).current().select_related("recorded_by").first()
    )
    if decision is not None:
        if decision.locked:
            raise ValidationError("This decision is signed off and locked: amend it, giving a reason.")
        if loaded_version != decision.version:  # None: the page was opened before any decision existed
            raise ValidationError(_conflict(decision, loaded_version))
        decision.version += 1
    else:
        decision = Decision(case=item.case, agenda_item=item, recorded_by=user, decided_at=timezone.now())
    _apply(decision, data)
    members = _responsible(data.responsible_member_ids, treatment=not data.no_treatment)
    follow_ups = _follow_ups(data, decision, local_day(item.meeting.starts_at))
    revising = decision.pk is not None
    save_as(user, decision)
    if revising:
        # Any earlier responses were to other wording: everyone named signs the saved text again.
        SignOff.objects.filter(decision=decision).delete()
        FollowUp.objects.open().filter(decision=decision).delete()
    _name_signers(decision, members, user)
    bulk_create_with_history(follow_ups, FollowUp, default_user=user)
    item.status = AgendaItem.Status.DISCUSSED
    item.outcome_reason = ""
    item.version += 1
    save_as(user, item, update_fields=["status", "outcome_reason", "version", "updated_at"])
    _after_discussion(item, decision, user)
    _case_after_decision(decision, user)
    return decision


def _after_discussion(item: AgendaItem, decision: Decision, user: Any) -> None:
    """The MDT has now discussed the case: earlier urgent decisions are ratified, re-discussions done.

    Row by row in memory, then one UPDATE and one history INSERT per kind, so each change keeps its
    history row with who and when however many rows it touches.
    """
    now = timezone.now()
    ratified = list(Decision.objects.select_for_update().urgent_unratified().filter(case=item.case_id).exclude(
        pk=decision.pk))  # fmt: skip
    for urgent in ratified:
        urgent.ratified_at, urgent.ratified_by, urgent.version = now, decision, urgent.version + 1
    if ratified:
        bulk_update_with_history(ratified, Decision, ["ratified_at", "ratified_by", "version"], default_user=user)
    asked = list(
        FollowUp.objects.select_for_update()
        .open()
        .filter(case=item.case_id, rediscuss=True, due_on__lte=local_day(item.meeting.starts_at))
    )
    for follow_up in asked:
        follow_up.completed_at, follow_up.completed_by = now, user
        follow_up.outcome_note = "Discussed again at the MDT."
    if asked:
        fields = ["completed_at", "completed_by", "outcome_note"]
        bulk_update_with_history(asked, FollowUp, fields, default_user=user)


@transaction.atomic
def decision_urgent_record(*, case_id: int, user: Any, data: DecisionInput) -> Decision:
    if not policy.can_record_urgent_decision(user):
        raise PermissionDenied("Only an oncologist or a spinal surgeon records an urgent decision between meetings.")
    case = Case.objects.get(pk=case_id)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({"case": "This case is closed."})
    decision = Decision(case=case, urgent=True, recorded_by=user, decided_at=timezone.now())
    _apply(decision, data)
    members = _responsible(data.responsible_member_ids or [policy.member_of(user).pk], treatment=not data.no_treatment)
    follow_ups = _follow_ups(data, decision, timezone.localdate())
    save_as(user, decision)
    _name_signers(decision, members, user)
    bulk_create_with_history(follow_ups, FollowUp, default_user=user)
    _case_after_decision(decision, user)
    return decision


@transaction.atomic
def signoff_respond(*, decision_id: int, user: Any, agree: bool, reason: str = "") -> SignOff:
    """A named clinician agrees or dissents (with a reason). The last response locks the decision."""
    member = policy.member_of(user)
    decision = Decision.objects.select_for_update().get(pk=decision_id)
    signoff = SignOff.objects.select_for_update().filter(decision=decision, member=member).first()
    if member is None or signoff is None or not policy.can_sign_decision(user):
        raise PermissionDenied("Only the clinicians named on a decision sign it.")
    if not decision.urgent and decision.agenda_item_id is not None:
        AgendaItem.objects.select_related("meeting").get(pk=decision.agenda_item_id).meeting.require_outcomes_open()
    if decision.status == Decision.Status.SUPERSEDED:
        raise ValidationError("This decision was amended: sign the amendment instead.")
    if signoff.response != SignOff.Response.PENDING:
        raise ValidationError(f"You already signed this decision ({signoff.get_response_display().lower()}).")
    if not agree and not reason.strip():
        raise ValidationError({"reason": "Give the reason for your dissent."})
    signoff.response = SignOff.Response.AGREE if agree else SignOff.Response.DISSENT
    signoff.reason = reason.strip()
    validate_only(signoff, "reason")
    signoff.responded_at = timezone.now()
    save_as(user, signoff)
    if not SignOff.objects.filter(decision=decision, response=SignOff.Response.PENDING).exists():
        decision.status = Decision.Status.SIGNED
        decision.version += 1
        save_as(user, decision, update_fields=["status", "version", "updated_at"])
    return signoff


@transaction.atomic
def decision_amend(*, decision_id: int, user: Any, data: DecisionInput, reason: str) -> Decision:
    """A later change to a signed decision: a new decision that keeps the original, and is signed again."""
    _require_recorder(user)
    original = Decision.objects.select_for_update().get(pk=decision_id)
    if original.status == Decision.Status.SUPERSEDED:
        raise ValidationError("This decision was already amended: amend the latest version.")
    if not original.locked:
        raise ValidationError("Nobody has signed this decision yet: edit it instead of amending it.")
    if not reason.strip():
        raise ValidationError({"amendment_reason": "Say why the decision is being amended."})
    original.status = Decision.Status.SUPERSEDED
    original.version += 1
    save_as(user, original, update_fields=["status", "version", "updated_at"])
    amendment = Decision(
        case_id=original.case_id,
        agenda_item_id=original.agenda_item_id,
        urgent=original.urgent,
        ratified_at=original.ratified_at,
        ratified_by_id=original.ratified_by_id,
        recorded_by=user,
        decided_at=timezone.now(),
        amends=original,
        amendment_reason=reason.strip(),
    )
    _apply(amendment, data)
    members = _responsible(data.responsible_member_ids, treatment=not data.no_treatment)
    follow_ups = _follow_ups(data, amendment, timezone.localdate())
    save_as(user, amendment)
    _name_signers(amendment, members, user)
    # The original's open follow-ups still stand: they move to the amendment (new ones are added).
    still_open = list(FollowUp.objects.select_for_update().open().filter(decision=original))
    for follow_up in still_open:
        follow_up.decision = amendment
    if still_open:
        bulk_update_with_history(still_open, FollowUp, ["decision"], default_user=user)
    bulk_create_with_history(follow_ups, FollowUp, default_user=user)
    _case_after_decision(amendment, user)
    return amendment


@transaction.atomic
def agenda_item_outcome(*, item_id: int, user: Any, status: str, reason: str = "") -> AgendaItem:
    """In the meeting: not discussed (carried forward to the next meeting) or withdrawn (with a reason)."""
    _require_recorder(user)
    if status not in (AgendaItem.Status.NOT_DISCUSSED, AgendaItem.Status.WITHDRAWN):
        raise ValidationError({"status": "Choose not discussed or withdrawn."})
    item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item_id)
    if Decision.objects.filter(agenda_item=item).current().exists():
        raise ValidationError({"status": "This case has a decision recorded: amend the decision instead."})
    if item.meeting.status == Meeting.Status.CONCLUDED:
        raise ValidationError({"status": "This meeting is concluded: its outcomes are final."})
    if status == AgendaItem.Status.NOT_DISCUSSED:  # withdrawing is an agenda change, allowed beforehand too
        item.meeting.require_outcomes_open(field="status")
    if status == AgendaItem.Status.WITHDRAWN and not reason.strip():
        raise ValidationError({"reason": "Give the reason for withdrawing the case."})
    item.status = status
    item.outcome_reason = reason.strip()
    validate_only(item, "outcome_reason")
    item.version += 1
    save_as(user, item, update_fields=["status", "outcome_reason", "version", "updated_at"])
    return item
