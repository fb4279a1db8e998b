"""The relying party's client for the trust's provider: Authlib, configured from settings.

Authlib reads the provider's discovery document, sends the authorisation request with a
state, a nonce and a PKCE challenge (S256), keeps those in the session, and exchanges the
code with the verifier. The ID token is then checked by `signin.oidc.verify`.

At the token endpoint the app proves who it is with the client secret (`client_secret_basic`,
`client_secret_post`), or with `private_key_jwt` (RFC 7523, as NHS CIS2 Authentication offers):
an assertion signed with the app's private key (`OIDC_CLIENT_KEY_FILE`, a PEM file) under the key
id the provider registered (`OIDC_CLIENT_KEY_ID`). Authlib's `PrivateKeyJWT` makes and signs it. The provider
verifies it with the public half, which `signin.oidc.jwks` publishes.
"""

from typing import Any

from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT, private_key_jwt_sign
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey, import_key

from signin.oidc.verify import ALGORITHMS

SECRET_METHODS = ("client_secret_basic", "client_secret_post")
PRIVATE_KEY_JWT = "private_key_jwt"
AUTH_METHODS = (*SECRET_METHODS, PRIVATE_KEY_JWT)
# An assertion is good for this long (RFC 7523 3: a short expiry limits its replay).
ASSERTION_SECONDS = 300

_clients: dict[tuple[str, ...], DjangoOAuth2App] = {}


class ShortLivedAssertion(PrivateKeyJWT):
    """Authlib's private_key_jwt, with assertions that expire after ASSERTION_SECONDS (not its hour)."""

    def sign(self, auth: Any, token_endpoint: str) -> str:
        return str(
            private_key_jwt_sign(
                auth.client_secret,
                client_id=auth.client_id,
                token_endpoint=token_endpoint,
                claims=self.claims,
                header=self.headers,
                alg=self.alg,
                expires_in=ASSERTION_SECONDS,
            )
        )


def configured() -> bool:
    return bool(settings.OIDC_ISSUER)


def token_auth_method() -> str:
    method = settings.OIDC_TOKEN_AUTH_METHOD
    if method not in AUTH_METHODS:
        raise ImproperlyConfigured(f"OIDC_TOKEN_AUTH_METHOD: {method!r} is not one of {', '.join(AUTH_METHODS)}")
    return str(method)


def signing_key() -> RSAKey | ECKey:
    """The private key of private_key_jwt, tried once; ImproperlyConfigured naming the setting if unusable."""
    alg = settings.OIDC_CLIENT_KEY_ALG
    if alg not in ALGORITHMS:
        raise ImproperlyConfigured(f"OIDC_CLIENT_KEY_ALG: {alg!r} is not one of {', '.join(ALGORITHMS)}")
    if not settings.OIDC_CLIENT_KEY:
        raise ImproperlyConfigured(
            "OIDC_TOKEN_AUTH_METHOD is private_key_jwt but no private key is set: "
            "set OIDC_CLIENT_KEY_FILE to the PEM file of the key registered with the provider"
        )
    if not settings.OIDC_CLIENT_KEY_ID:
        raise ImproperlyConfigured(
            "OIDC_TOKEN_AUTH_METHOD is private_key_jwt but OIDC_CLIENT_KEY_ID is not set: "
            "set it to the key id (kid) the provider registered for this key"
        )
    try:
        key = import_key(settings.OIDC_CLIENT_KEY, "EC" if alg.startswith("ES") else "RSA")
        if not key.is_private:
            raise ValueError("a public key")
        jwt.encode({"alg": alg}, {"iss": "check"}, key, algorithms=[alg])
    except (JoseError, ValueError, TypeError) as exc:
        # The reason names the kind of problem; the key itself is never shown.
        raise ImproperlyConfigured(
            f"OIDC_CLIENT_KEY_FILE does not hold a PEM private key that signs {alg} "
            f"(an {'EC' if alg.startswith('ES') else 'RSA'} private key): {type(exc).__name__}"
        ) from exc
    return key


def _credentials() -> dict[str, Any]:
    """Authlib's client secret and auth methods for the configured way of authenticating."""
    if token_auth_method() == PRIVATE_KEY_JWT:
        assertion = ShortLivedAssertion(headers={"kid": settings.OIDC_CLIENT_KEY_ID}, alg=settings.OIDC_CLIENT_KEY_ALG)
        return {"client_secret": signing_key(), "client_auth_methods": [assertion]}
    return {"client_secret": settings.OIDC_CLIENT_SECRET or None}


def provider() -> DjangoOAuth2App:
    """The client for the configured provider (one per configuration: tests change settings)."""
    key = (
        settings.OIDC_ISSUER,
        settings.OIDC_CLIENT_ID,
        settings.OIDC_CLIENT_SECRET,
        settings.OIDC_SCOPES,
        settings.OIDC_TOKEN_AUTH_METHOD,
        settings.OIDC_CLIENT_KEY,
        settings.OIDC_CLIENT_KEY_ID,
        settings.OIDC_CLIENT_KEY_ALG,
    )
    if key not in _clients:
        oauth = OAuth()
        _clients[key] = oauth.register(
            "provider",
            client_id=settings.OIDC_CLIENT_ID,
            server_metadata_url=f"{settings.OIDC_ISSUER}/.well-known/openid-configuration",
            client_kwargs={
                "scope": settings.OIDC_SCOPES,
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": settings.OIDC_TOKEN_AUTH_METHOD,
                "timeout": 10,
            },
            **_credentials(),
        )
    return _clients[key]
