"""A signer who left the team before signing, replaced by another clinician (HAZ-175).

A decision awaiting sign-off becomes signed when nobody named on it is still to sign; a named clinician
who leaves the team first would keep it waiting for ever, and its reminder would go to nobody. Whoever
may record decisions names another clinician in their place: the leaver's row is kept, marked
"left the team before signing", with who was named instead and by whom; the clinician named signs the
same text (nothing else changes, so nobody else signs again), and the rules of who signs a decision
(clinical signers, and for a treatment an oncologist and a spinal surgeon) still hold.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import policy
from core.concurrency import stale_edit
from core.history import save_as
from mdt.models import Decision, Member, SignOff


def _stale(decision: Decision, loaded_version: int | None) -> None:
    """Refused when the decision changed since the page was opened (core.concurrency.stale_edit's rule)."""
    lines = stale_edit(decision, loaded_version, field="decision")
    if lines is not None:
        said = " ".join(lines)
        raise ValidationError(
            {"decision": f"The decision changed since you opened it, so nobody was named. {said} Reload and try again."}
        )


def _newcomer(decision: Decision, member_id: int | None, others: list[SignOff]) -> Member:
    """The clinician named instead, checked as the decision's signers are (mdt.services.decisions)."""
    member = Member.objects.select_related("user").filter(pk=member_id or 0).first()
    if member is None:
        raise ValidationError({"member": "Choose the clinician who signs instead."})
    if member.has_left or not policy.role_may_sign(member.role):
        raise ValidationError(
            {"member": f"Only an active oncologist, spinal surgeon or radiologist signs a decision, not {member}."}
        )
    if any(row.member_id == member.pk for row in others):
        raise ValidationError({"member": f"{member} is already named on this decision."})
    roles = [row.member.role for row in others if row.response != SignOff.Response.REPLACED] + [member.role]
    if not decision.no_treatment and not policy.roles_may_decide_treatment(roles):
        raise ValidationError(
            {"member": "A treatment decision needs an oncologist and a spinal surgeon among those who sign."}
        )
    return member


@transaction.atomic
def signoff_replace(
    *, decision_id: int, signoff_id: int, member_id: int | None, user: Any, loaded_version: int | None
) -> SignOff:
    """Name `member_id` to sign in place of the signer of `signoff_id`, who left the team before signing."""
    if not policy.can_record_decision(user):
        raise PermissionDenied("Only members of the MDT who record decisions name another signer.")
    decision = Decision.objects.select_for_update().get(pk=decision_id)
    _stale(decision, loaded_version)
    if decision.status != Decision.Status.AWAITING_SIGNOFF:
        raise ValidationError({"decision": "This decision is no longer waiting for sign-off."})
    rows = list(SignOff.objects.select_for_update().select_related("member__user").filter(decision=decision))
    leaver = next((row for row in rows if row.pk == signoff_id), None)
    if leaver is None or leaver.response != SignOff.Response.PENDING:
        raise ValidationError({"signoff": "Only a signer who has not yet signed is replaced."})
    if not leaver.member.has_left:
        raise ValidationError(
            {"signoff": f"{leaver.member} is still in the team: ask them to sign, or revise the decision."}
        )
    member = _newcomer(decision, member_id, [row for row in rows if row.pk != leaver.pk])
    who = user.get_full_name() or user.get_username()
    leaver.response, leaver.responded_at = SignOff.Response.REPLACED, timezone.now()
    leaver.reason = f"Left the team; {member.display_name} named to sign instead by {who}."
    save_as(user, leaver)
    named = SignOff(decision=decision, member=member)
    save_as(user, named)
    decision.version += 1  # a page opened before this must not sign or name over it unseen
    save_as(user, decision, update_fields=["version", "updated_at"])
    return named
