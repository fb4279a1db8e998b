"""Writes of the integration layer that are not the feed's: API clients and their tokens."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from integrations.models import ApiClient, hash_token
from integrations.models.api import new_token


def system_user(username: str) -> object:
    """An account that names a system in access records and history: it can never sign in."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def api_client_issue(*, client: ApiClient) -> str:
    """Save a new client with a new token (its system user made too); return the token, shown once."""
    client.user = system_user(f"api-{slugify(client.name)[:140]}")  # type: ignore[assignment]
    token = new_token()
    client.token_hash, client.token_prefix = hash_token(token), token[:12]
    client.full_clean()
    client.save()
    return token


@transaction.atomic
def api_client_rotate(*, client: ApiClient) -> str:
    """Replace the client's token: the old one stops working at once. Returns the new token."""
    token = new_token()
    locked = ApiClient.objects.select_for_update().get(pk=client.pk)
    locked.token_hash, locked.token_prefix = hash_token(token), token[:12]
    locked.version += 1  # the client's form opened before the new token is refused, as for any change
    locked.save(update_fields=["token_hash", "token_prefix", "version"])
    client.token_hash, client.token_prefix, client.version = locked.token_hash, locked.token_prefix, locked.version
    return token
