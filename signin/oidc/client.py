"""The relying party's client for the trust's provider: Authlib, configured from settings.

Authlib reads the provider's discovery document, sends the authorisation request with a
state, a nonce and a PKCE challenge (S256), keeps those in the session, and exchanges the
code with the verifier. The ID token is then checked by `signin.oidc.verify`.
"""

from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings

_clients: dict[tuple[str, ...], DjangoOAuth2App] = {}


def configured() -> bool:
    return bool(settings.OIDC_ISSUER)


def provider() -> DjangoOAuth2App:
    """The client for the configured provider (one per configuration: tests change settings)."""
    key = (
        settings.OIDC_ISSUER,
        settings.OIDC_CLIENT_ID,
        settings.OIDC_CLIENT_SECRET,
        settings.OIDC_SCOPES,
        settings.OIDC_TOKEN_AUTH_METHOD,
    )
    if key not in _clients:
        oauth = OAuth()
        _clients[key] = oauth.register(
            "provider",
            client_id=settings.OIDC_CLIENT_ID,
            client_secret=settings.OIDC_CLIENT_SECRET or None,
            server_metadata_url=f"{settings.OIDC_ISSUER}/.well-known/openid-configuration",
            client_kwargs={
                "scope": settings.OIDC_SCOPES,
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": settings.OIDC_TOKEN_AUTH_METHOD,
                "timeout": 10,
            },
        )
    return _clients[key]
