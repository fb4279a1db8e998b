"""Who may be named as a case's responsible clinician, and how the case form names them.

The rule: an account that can sign in and that accounts.policy calls a clinician (`is_clinician`: an
active team member in a clinical role), so never an admin, auditor, coordinator or referrer account,
nor someone who left the team. The case holds it on every path
(Case.clean for forms, Case.save for everything else). A clinician who has since left the team
stays named on the cases they had until someone changes it: nothing is unassigned silently.
"""

from typing import Any

from django.core.exceptions import ValidationError

from accounts import policy
from accounts.choices import MemberRole

FIELD = "responsible_clinician"


def clinician_label(user: Any) -> str:
    """ "Carys Evans (Oncologist)": the name and team role, and whether they have left the team."""
    name = user.get_full_name() or user.get_username()
    member = getattr(user, "member", None)
    if member is None:
        return f"{name} (not in the team)"
    role = MemberRole(member.role).label if member.role in MemberRole.values else member.role
    return f"{name} ({role})" if member.active and user.is_active else f"{name} ({role}, left the team)"


def may_be_responsible(user: Any) -> bool:
    """The case's responsible clinician may be this user (the picker's choices and the case's check)."""
    return user is not None and bool(user.is_active) and policy.is_clinician(user)


def _saved_clinician_id(case: Any) -> int | None:
    if case._state.adding or case.pk is None:
        return None
    saved: int | None = type(case)._base_manager.filter(pk=case.pk).values_list(f"{FIELD}_id", flat=True).first()
    return saved


def responsible_clinician_error(case: Any) -> str | None:
    """Why the case cannot be given this responsible clinician, or None (nobody, unchanged, or a clinician)."""
    chosen = case.responsible_clinician_id
    if chosen is None or chosen == _saved_clinician_id(case):
        return None
    user = case.responsible_clinician
    if may_be_responsible(user):
        return None
    return (
        f"{user.get_full_name() or user.get_username()} is not an active clinician of the team: the responsible "
        "clinician is an oncologist, spinal surgeon, radiologist, palliative care doctor, physiotherapist or nurse "
        "specialist. Admin, auditor, coordinator and referrer accounts cannot be responsible for a case."
    )


def check_responsible_clinician(case: Any, update_fields: Any = None) -> None:
    """Case.save's guard: refuse a non-clinician on any path that did not validate (ValidationError on the field)."""
    if update_fields is not None and FIELD not in update_fields and f"{FIELD}_id" not in update_fields:
        return
    error = responsible_clinician_error(case)
    if error:
        raise ValidationError({FIELD: error})
