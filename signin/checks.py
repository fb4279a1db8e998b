"""Single sign-on settings checked at start-up (`manage.py check`, `check --deploy`, `runserver`).

A typo here would otherwise show only at someone's sign-in, or not at all: a role table that grants
nothing, an assurance level nobody can meet or that is never asked for, organisations that never
match, a private key the provider cannot verify. Each check reads the setting through the function
that uses it, so the rule and its check are one.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from signin.oidc import assurance, client, jwks
from signin.oidc.roles import role_organisations, role_table


def _error(read: Callable[[], Any], check_id: str) -> list[checks.CheckMessage]:
    try:
        read()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id=check_id)]
    return []


@checks.register(checks.Tags.security)
def role_table_is_valid(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """A typo in OIDC_ROLE_MAP stops `check` (and start-up checks) instead of silently granting nothing."""
    return _error(role_table, "signin.E001")


@checks.register(checks.Tags.security)
def assurance_is_valid(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """OIDC_ACCEPTED_ACR: comma-separated acr values (a space-separated list would be one value nobody meets)."""
    return _error(assurance.accepted, "signin.E002")


@checks.register(checks.Tags.security)
def role_organisations_are_valid(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """OIDC_ROLE_ORGANISATIONS: ODS codes only."""
    return _error(role_organisations, "signin.E003")


@checks.register(checks.Tags.security)
def token_endpoint_credentials(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """With single sign-on on: a known OIDC_TOKEN_AUTH_METHOD, and what it needs (a secret, or a usable key)."""
    if not client.configured():
        return []
    errors = _error(client.token_auth_method, "signin.E004")
    if errors:
        return errors
    if settings.OIDC_TOKEN_AUTH_METHOD == client.PRIVATE_KEY_JWT:
        return _error(client.signing_key, "signin.E005")
    if not settings.OIDC_CLIENT_SECRET:
        message = (
            f"OIDC_TOKEN_AUTH_METHOD is {settings.OIDC_TOKEN_AUTH_METHOD} but OIDC_CLIENT_SECRET is not set: "
            "set OIDC_CLIENT_SECRET_FILE, or use private_key_jwt"
        )
        return [checks.Error(message, id="signin.E006")]
    return []


@checks.register(checks.Tags.security)
def previous_client_keys(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """OIDC_CLIENT_PREVIOUS_KEY_FILES: each a readable private key, under a key id that is not the current key's."""
    return _error(jwks.previous_keys, "signin.E007")
