"""How strongly a person must have authenticated at the provider: the ID token's `acr` claim.

`OIDC_ACCEPTED_ACR` lists the authentication context classes a sign-in may have, e.g. NHS CIS2
Authentication's `AAL3_ANY` (a smartcard, Windows Hello, a security key: an AAL3 authenticator).
When it is set, the authorisation request asks for them (`acr_values`), and a sign-in is accepted
only if the *verified ID token* says one of them was satisfied. What the request asked for is not
enough: it passes through the browser, where it can be edited, and the provider reports the class
it actually met. A userinfo `acr` never counts (it is not the signed token). When it is empty,
nothing is asked for or checked (Entra ID, whose tokens carry no such class by default).
"""

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# One acr value: no spaces (acr_values is space-separated), so "AAL3_ANY AAL2_ANY" is a typo for a list.
_ONE_VALUE = re.compile(r"\S{1,200}")


class NotStrongEnough(Exception):
    """The sign-in met none of the accepted classes; the message says what it had, for the sign-in record."""

    def __init__(self, why: str, subject: str) -> None:
        super().__init__(why)
        self.subject = subject


def accepted(raw: list[str] | None = None) -> list[str]:
    """The accepted classes, in the order asked for; ImproperlyConfigured names the setting if one is malformed."""
    values = settings.OIDC_ACCEPTED_ACR if raw is None else raw
    for value in values:
        if not _ONE_VALUE.fullmatch(value):
            raise ImproperlyConfigured(
                f"OIDC_ACCEPTED_ACR: {value!r} is not one acr value (separate values with commas, e.g. AAL3_ANY)"
            )
    return list(values)


def request_parameters() -> dict[str, str]:
    """What the authorisation request adds: `acr_values` when a class is required, else nothing."""
    wanted = accepted()
    return {"acr_values": " ".join(wanted)} if wanted else {}


def check(id_token_claims: dict[str, Any]) -> None:
    """Raise NotStrongEnough unless the ID token's acr is accepted (or nothing is required)."""
    wanted = accepted()
    if not wanted:
        return
    acr = id_token_claims.get("acr")
    subject = str(id_token_claims["sub"])
    if not isinstance(acr, str) or not acr:
        raise NotStrongEnough(f"the ID token has no acr; accepted: {', '.join(wanted)}", subject)
    if acr not in wanted:
        raise NotStrongEnough(f"acr {acr[:50]!r} is not accepted; accepted: {', '.join(wanted)}", subject)
