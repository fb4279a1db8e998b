"""The ID token check: signature from the provider's keys, then issuer, audience, expiry and nonce.

Checked here in one function, and unit-tested with tokens the test provider really signed:
a token whose signature does not verify with a key the provider publishes, that was issued
by another issuer or for another client, that has expired, or that does not carry the nonce
this browser's sign-in started with, is refused.
"""

from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

# Asymmetric algorithms only: "none" and shared-secret HMAC are never accepted.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384")


class IdTokenRefused(Exception):
    """The ID token is not valid for this sign-in (the message names the check, for the log)."""


def verify_id_token(
    id_token: str, *, jwks: dict[str, Any], issuer: str, client_id: str, nonce: str, leeway: int = 60
) -> dict[str, Any]:
    """The token's claims if every check passes; IdTokenRefused otherwise."""
    if not nonce:
        raise IdTokenRefused("no nonce was sent with this sign-in")
    try:
        keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]
        token = jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
    except (JoseError, ValueError) as exc:
        raise IdTokenRefused(f"signature: {exc}") from exc
    claims = dict(token.claims)
    registry = jwt.JWTClaimsRegistry(
        leeway=leeway,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise IdTokenRefused(f"claims: {exc}") from exc
    # Several audiences: the token must say it was issued to this client (OpenID Connect Core 3.1.3.7).
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != client_id:
        raise IdTokenRefused("claims: azp is not this client")
    return claims
