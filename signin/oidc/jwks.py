"""The client's public keys as a JSON Web Key Set (RFC 7517): what the provider verifies its assertions with.

One place builds the set: the address the provider fetches (`/accounts/sso/jwks.json`, `signin.views.keys`)
and `manage.py oidc_public_key` both answer `public_key_set()`.

The current key (`OIDC_CLIENT_KEY_FILE`, under `OIDC_CLIENT_KEY_ID`) is the only one that signs. The previous
keys (`OIDC_CLIENT_PREVIOUS_KEY_FILES`: `kid=path` pairs, each the key id the provider knew a key by and its
PEM file) are only published, so that an assertion signed with the old key just before a rotation (by a
machine not yet restarted) still verifies (OpenID Connect Core 10.1.1: the verifier fetches the set again
when it meets a key id it does not know, and the set keeps recently retired keys for a while).

Each key's JWK is written from its public members, named one by one (`PUBLIC_MEMBERS`): nothing private
(`d`, `p`, `q`, `dp`, `dq`, `qi`) can reach the set whatever the key library puts in a key's dictionary.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey

from signin.oidc import client

PREVIOUS = "OIDC_CLIENT_PREVIOUS_KEY_FILES"
PUBLIC_MEMBERS = {"RSA": ("kty", "n", "e"), "EC": ("kty", "crv", "x", "y")}
# An EC key signs with the algorithm of its curve (RFC 7518 3.4); an RSA key with OIDC_CLIENT_KEY_ALG when that
# is an RSA algorithm, else RS256.
CURVE_ALGORITHMS = {"P-256": "ES256", "P-384": "ES384"}


def published() -> bool:
    """The set is served only while the app authenticates at the token endpoint with private_key_jwt."""
    return client.configured() and settings.OIDC_TOKEN_AUTH_METHOD == client.PRIVATE_KEY_JWT


def public_jwk(key: RSAKey | ECKey, *, kid: str, alg: str) -> dict[str, Any]:
    """The public half of `key` as one JWK for signatures under `kid`: its public members only."""
    members = key.as_dict(private=False)
    public = {name: members[name] for name in PUBLIC_MEMBERS[key.key_type]}
    return {**public, "kid": kid, "alg": alg, "use": "sig"}


def _algorithm(key: RSAKey | ECKey, entry: str) -> str:
    if isinstance(key, ECKey):
        if key.curve_name not in CURVE_ALGORITHMS:
            raise ImproperlyConfigured(
                f"{PREVIOUS}: the key of {entry!r} is on the curve {key.curve_name}; only "
                f"{', '.join(CURVE_ALGORITHMS)} can sign here"
            )
        return CURVE_ALGORITHMS[key.curve_name]
    current = str(settings.OIDC_CLIENT_KEY_ALG)
    return current if current.startswith(("RS", "PS")) else "RS256"


def _private_key(path: str, entry: str) -> RSAKey | ECKey:
    """The private key in the PEM file at `path`; ImproperlyConfigured naming the entry (never the key) if not."""
    try:
        pem = Path(path).read_text()
    except OSError as exc:
        raise ImproperlyConfigured(f"{PREVIOUS}: the file of {entry!r} cannot be read: {exc.strerror}") from exc
    key_classes: tuple[type[RSAKey] | type[ECKey], ...] = (RSAKey, ECKey)
    for key_class in key_classes:
        try:
            key = key_class.import_key(pem)
        except (JoseError, ValueError, TypeError):
            continue
        if key.is_private:
            return key
    raise ImproperlyConfigured(
        f"{PREVIOUS}: the file of {entry!r} does not hold a PEM private key (RSA or EC): keep the old key's "
        "private key file until it is retired"
    )


def previous_keys() -> list[tuple[str, RSAKey | ECKey, str]]:
    """Each previous key's id, key and algorithm; ImproperlyConfigured naming the entry and the rule if unusable."""
    found: list[tuple[str, RSAKey | ECKey, str]] = []
    kids = {settings.OIDC_CLIENT_KEY_ID} - {""}
    for entry in settings.OIDC_CLIENT_PREVIOUS_KEY_FILES:
        kid, sep, path = (part.strip() for part in entry.partition("="))
        if not (sep and kid and path):
            raise ImproperlyConfigured(
                f"{PREVIOUS}: {entry!r} is not kid=path (the key id the provider knows the old key by, "
                "then its PEM file)"
            )
        if kid in kids:
            raise ImproperlyConfigured(
                f"{PREVIOUS}: the key id {kid!r} is already the current key's (OIDC_CLIENT_KEY_ID) or another "
                "previous key's: each key is published under a key id of its own"
            )
        kids.add(kid)
        key = _private_key(path, entry)
        alg = _algorithm(key, entry)
        try:
            jwt.encode({"alg": alg}, {"iss": "check"}, key, algorithms=[alg])
        except (JoseError, ValueError, TypeError) as exc:
            raise ImproperlyConfigured(
                f"{PREVIOUS}: the key of {entry!r} cannot sign {alg}: {type(exc).__name__}"
            ) from exc
        found.append((kid, key, alg))
    return found


def public_key_set() -> dict[str, Any]:
    """The current key's public half, then each previous key's: the set the provider verifies assertions with."""
    current = public_jwk(client.signing_key(), kid=settings.OIDC_CLIENT_KEY_ID, alg=settings.OIDC_CLIENT_KEY_ALG)
    previous = [public_jwk(key, kid=kid, alg=alg) for kid, key, alg in previous_keys()]
    return {"keys": [current, *previous]}
