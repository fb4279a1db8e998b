"""The role table: which values of the provider's role or group claim give which role here.

`OIDC_ROLE_MAP` lists "claim value=app role" pairs separated by ";", e.g.
`OIDC_ROLE_MAP="MDT.Coordinator=mdt_coordinator;MDT.Oncologist=oncologist;MDT.Audit=read_only"`.
App roles are the MDT roles (`mdt.Member.Role` values) and `read_only` (an auditor).

The table is the only source of roles for a single sign-on account: a value not in it gives
nothing, superuser and staff status never come from the provider, and a person with no mapped
role is not signed in. If several MDT roles match, the first in the table wins (one MDT role
per person); `read_only` combines with any.

`OIDC_ROLE_ORGANISATIONS` (ODS codes) narrows the claim to the roles held at those organisations:
CIS2 sends every role a person holds anywhere in the NHS, each with the `org_code` it is held at,
and a role code held at another trust says nothing about their standing here. When it is set, a
role without an organisation, or at another one, maps to nothing.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from mdt.models import Member

READ_ONLY = "read_only"
# The organisation a CIS2 role object is held at (nhsid_nrbac_roles: org_code, person_orgid, person_roleid).
ORGANISATION_KEY = "org_code"
# An ODS code: letters and digits (a trust RXX, a site RXX01, a practice A12345).
_ODS_CODE = re.compile(r"[A-Za-z0-9]{3,10}")


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


def role_organisations(raw: list[str] | None = None) -> set[str]:
    """The ODS codes whose roles count (upper case), or an empty set: roles count wherever held."""
    codes = settings.OIDC_ROLE_ORGANISATIONS if raw is None else raw
    for code in codes:
        if not _ODS_CODE.fullmatch(code):
            raise ImproperlyConfigured(
                f"OIDC_ROLE_ORGANISATIONS: {code!r} is not an ODS code (letters and digits, comma-separated, e.g. RXX)"
            )
    return {code.upper() for code in codes}


def _items(claims: dict[str, Any]) -> list[Any]:
    raw = claims.get(settings.OIDC_ROLES_CLAIM)
    return raw if isinstance(raw, list) else [raw]


def _code(item: Any) -> str | None:
    if isinstance(item, dict):
        item = item.get(settings.OIDC_ROLES_KEY)
    return item if isinstance(item, str) and item else None


def _organisation(item: Any) -> str | None:
    organisation = item.get(ORGANISATION_KEY) if isinstance(item, dict) else None
    return organisation.strip().upper() if isinstance(organisation, str) and organisation.strip() else None


def claim_values(claims: dict[str, Any]) -> set[str]:
    """The role claim's values that count: a string, a list of strings, or a list of objects (CIS2) keyed by
    OIDC_ROLES_KEY; with OIDC_ROLE_ORGANISATIONS set, only the objects held at one of those organisations."""
    organisations = role_organisations()
    values = set()
    for item in _items(claims):
        code = _code(item)
        if code is not None and (not organisations or _organisation(item) in organisations):
            values.add(code)
    return values


def sent_values(claims: dict[str, Any]) -> list[str]:
    """Every role value sent, with where it is held when organisations are checked (for the "no role" page)."""
    checked = bool(role_organisations())
    sent = []
    for item in _items(claims):
        code = _code(item)
        if code is not None:
            held = f" (at {_organisation(item) or 'no organisation'})" if checked else ""
            sent.append(code + held)
    return sorted(set(sent))


def mapped_roles(claims: dict[str, Any]) -> MappedRoles:
    values = claim_values(claims)
    matched = [role for value, role in role_table() if value in values]
    member_role = next((role for role in matched if role != READ_ONLY), None)
    return MappedRoles(member_role=member_role, read_only=READ_ONLY in matched)
