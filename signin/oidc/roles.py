"""The role table: which values of the provider's role or group claim give which role here.

`OIDC_ROLE_MAP` lists "claim value=app role" pairs separated by ";", e.g.
`OIDC_ROLE_MAP="MDT.Coordinator=mdt_coordinator;MDT.Oncologist=oncologist;MDT.Audit=read_only"`.
App roles are the MDT roles (`mdt.Member.Role` values) and `read_only` (an auditor).

The table is the only source of roles for a single sign-on account: a value not in it gives
nothing, superuser and staff status never come from the provider, and a person with no mapped
role is not signed in. If several MDT roles match, the first in the table wins (one MDT role
per person); `read_only` combines with any.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from mdt.models import Member

READ_ONLY = "read_only"


@dataclass(frozen=True)
class MappedRoles:
    member_role: str | None
    read_only: bool

    @property
    def any(self) -> bool:
        return self.member_role is not None or self.read_only


def role_table(raw: str | None = None) -> list[tuple[str, str]]:
    raw = settings.OIDC_ROLE_MAP if raw is None else raw
    allowed = set(Member.Role.values) | {READ_ONLY}
    table = []
    for entry in filter(None, (part.strip() for part in raw.split(";"))):
        value, sep, role = entry.rpartition("=")
        value, role = value.strip(), role.strip()
        if not sep or not value:
            raise ImproperlyConfigured(f"OIDC_ROLE_MAP: {entry!r} is not 'claim value=role'")
        if role not in allowed:
            raise ImproperlyConfigured(
                f"OIDC_ROLE_MAP: {role!r} is not a role here; use one of {', '.join(sorted(allowed))}"
            )
        table.append((value, role))
    return table


def claim_values(claims: dict[str, Any]) -> set[str]:
    """The role claim's values: a string, a list of strings, or a list of objects (CIS2) keyed by OIDC_ROLES_KEY."""
    raw = claims.get(settings.OIDC_ROLES_CLAIM)
    items = raw if isinstance(raw, list) else [raw]
    values = set()
    for item in items:
        if isinstance(item, dict):
            item = item.get(settings.OIDC_ROLES_KEY)
        if isinstance(item, str) and item:
            values.add(item)
    return values


def mapped_roles(claims: dict[str, Any]) -> MappedRoles:
    values = claim_values(claims)
    matched = [role for value, role in role_table() if value in values]
    member_role = next((role for role in matched if role != READ_ONLY), None)
    return MappedRoles(member_role=member_role, read_only=READ_ONLY in matched)
