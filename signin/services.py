"""Writes of the sign-in app: the account behind a single sign-on, and an administrator's reset.

- `sso_user`: the account linked to the provider's (issuer, subject), created at the first
  sign-on, with its roles set to exactly what the role table grants for this sign-in's claims.
  Nothing else links an account: not the username, not the email (both can be reused).
- `second_factor_reset`: remove a user's authenticator apps, passkeys and recovery codes,
  with the administrator and the reason in the reset record, the devices' history and the
  sign-in records.
"""

import hashlib
import re
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import SignInRecord
from accounts.roles import READ_ONLY, ROLES, assign_read_only, assign_role, set_staff
from accounts.services import sign_in_record
from core.history import save_as
from mdt.models import Member
from signin.models import Passkey, ProviderIdentity, RecoveryCode, SecondFactorReset, TotpDevice
from signin.oidc.roles import MappedRoles


def _username(claims: dict[str, Any]) -> str:
    wanted = str(claims.get("preferred_username") or claims.get("email") or claims["sub"])
    base = re.sub(r"[^\w.@+-]", "-", wanted)[:120] or "user"
    user_model = get_user_model()
    if not user_model.objects.filter(username__iexact=base).exists():
        return base
    # Taken (perhaps by a local account): never take it over, add a stable suffix instead.
    return f"{base}-{hashlib.sha256(str(claims['sub']).encode()).hexdigest()[:8]}"


def _set_member(user: Any, *, role: str | None, active: bool) -> None:
    """The team membership the provider grants now, saved (only if it changed) with a history row
    naming the person signing in and the reason: a membership is access, and every change to it is in history."""
    member = Member.objects.select_for_update().filter(user=user).first()
    if member is None:
        if role is None:
            return
        member = Member(user=user)
    elif member.active == active and (role is None or member.role == role):
        return
    if role is not None:
        member.role = role
    member.active = active
    if member.pk:
        member.version += 1  # a workspace form opened before the sign-on is refused, not saved over it
    member._change_reason = (  # type: ignore[attr-defined]  # read by simple_history
        "Role granted at single sign-on" if active else "Role removed at the identity provider (single sign-on)"
    )
    save_as(user, member)


def _apply_roles(user: Any, roles: MappedRoles) -> None:
    """Exactly the table's roles: groups not granted now are removed, staff only through a role."""
    if roles.member_role is not None:
        _set_member(user, role=roles.member_role, active=True)
        assign_role(user, roles.member_role)
    else:
        _set_member(user, role=None, active=False)
        user.groups.remove(*Group.objects.filter(name__in=set(ROLES) - {READ_ONLY}))
    if roles.read_only:
        assign_read_only(user)
    else:
        user.groups.remove(*Group.objects.filter(name=READ_ONLY))
    set_staff(user)


@transaction.atomic
def sso_user(*, issuer: str, claims: dict[str, Any], roles: MappedRoles) -> Any:
    """The active account for these claims with its roles set, or None (no mapped role, or deactivated here)."""
    identity = (
        ProviderIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=str(claims["sub"]))
        .first()
    )
    if not roles.any:
        if identity is not None:
            _apply_roles(identity.user, roles)  # roles taken away at the provider go here too
        return None
    if identity is None:
        user = get_user_model().objects.create_user(username=_username(claims), password=None)
        identity = ProviderIdentity.objects.create(user=user, issuer=issuer, subject=str(claims["sub"]))
    user = identity.user
    if not user.is_active:
        return None
    user.first_name = str(claims.get("given_name") or user.first_name)[:150]
    user.last_name = str(claims.get("family_name") or user.last_name)[:150]
    user.email = str(claims.get("email") or user.email)[:254]
    user.save(update_fields=["first_name", "last_name", "email"])
    _apply_roles(user, roles)
    identity.last_signed_in_at = timezone.now()
    identity.save(update_fields=["last_signed_in_at"])
    return user


@transaction.atomic
def second_factor_reset(*, user: Any, performed_by: Any, reason: str) -> SecondFactorReset:
    """Clear `user`'s second factors (a lost device); they set up new ones at their next sign-in."""
    removed = []
    for label, queryset in (
        ("authenticator app", TotpDevice.objects.filter(user=user)),
        ("passkey", Passkey.objects.filter(user=user)),
    ):
        count = 0
        for device in queryset:  # one by one, so each deletion is in the device's history
            device.delete()
            count += 1
        if count:
            removed.append(f"{count} {label}{'s' if count > 1 else ''}")
    codes, _ = RecoveryCode.objects.filter(user=user).delete()
    if codes:
        removed.append(f"{codes} recovery codes")
    reset = SecondFactorReset.objects.create(
        user=user, performed_by=performed_by, reason=reason, removed=", ".join(removed) or "nothing"
    )
    sign_in_record(user=user, event=SignInRecord.Event.RESET, by=performed_by, detail=reason)
    return reset


def linked_user(issuer: str, subject: str) -> Any:
    identity = ProviderIdentity.objects.filter(issuer=issuer, subject=subject).select_related("user").first()
    return identity.user if identity else None
