"""Starting, saving and submitting a referral.

Guarantees: only someone who `can_refer` starts or changes a draft, and a referrer only their
organisation's; every save runs the model's validation (field-keyed errors, nothing saved on
error); submitting locks the row, so a double click, two tabs or a retried request submit once
and get the same reference back; a submitted referral is no longer a draft anyone can edit.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.policy import can_refer, is_referrer
from core.history import save_as
from referrals.choices import Status
from referrals.completeness import blockers, gaps
from referrals.models import Organisation, Referral


def _check_may_edit(referral: Referral, user: Any) -> None:
    if not can_refer(user):
        raise PermissionDenied("Only an approved referrer or the service's coordinators can make a referral.")
    if is_referrer(user) and referral.organisation_id != user.referrer.organisation_id:
        raise PermissionDenied("This referral belongs to another organisation.")


@transaction.atomic
def referral_start(*, user: Any, organisation: Organisation | None = None) -> Referral:
    """A new draft. A referrer's is for their own organisation, with their details filled in;
    the service's (a referral taken by phone) is for the organisation it names."""
    if not can_refer(user):
        raise PermissionDenied("Only an approved referrer or the service's coordinators can make a referral.")
    if is_referrer(user):
        profile = user.referrer
        referral = Referral(
            organisation=profile.organisation,
            referrer=user,
            entered_by=user,
            referrer_name=user.get_full_name(),
            referrer_role=profile.job_title,
            referrer_phone=profile.phone,
            referrer_email=user.email,
        )
    else:
        if organisation is None:
            raise ValidationError({"organisation": "Choose the referring organisation."})
        referral = Referral(organisation=organisation, entered_by=user, by_phone=True)
    referral.full_clean()
    save_as(user, referral)
    return referral


@transaction.atomic
def referral_save(*, referral: Referral, user: Any) -> Referral:
    """Save a step of a draft (the form has put the values on `referral`)."""
    _check_may_edit(referral, user)
    if referral.status != Status.DRAFT:
        raise ValidationError("This referral was submitted; send further information as a message instead.")
    referral.full_clean()
    save_as(user, referral)
    return referral


def reference_for(referral: Referral) -> str:
    """MSCC-<year submitted>-<id>: unique because the id is, short enough to read over the phone."""
    return f"MSCC-{timezone.localdate(referral.submitted_at):%Y}-{referral.pk:05d}"


@transaction.atomic
def referral_submit(*, referral_id: int, user: Any, accept_gaps: bool) -> Referral:
    """Submit a draft: a reference, the gaps recorded, and it is new on the triage inbox.

    Submitting one already submitted returns it unchanged (the same reference): a double
    submission makes one referral. The acknowledgement email and the coordinators' alert are
    the reminder sweep's (reminders.kinds.referrals), so they go exactly once.
    """
    referral = Referral.objects.select_for_update().get(pk=referral_id)
    _check_may_edit(referral, user)
    if referral.status != Status.DRAFT:
        return referral
    missing = blockers(referral)
    if missing:
        raise ValidationError(missing)
    found = gaps(referral)
    if found and not accept_gaps:
        raise ValidationError(
            "The MDT will lack: " + "; ".join(gap.message for gap in found) + ". Fill them in, or submit anyway.",
            code="gaps",
        )
    referral.full_clean()
    referral.status = Status.NEW
    referral.submitted_at = timezone.now()
    referral.gaps_at_submission = [gap.key for gap in found]
    referral.reference = reference_for(referral)
    referral.version += 1
    save_as(user, referral)
    return referral
