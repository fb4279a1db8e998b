"""API tokens: `Authorization: Bearer <token>`, checked on every FHIR request.

The site's LoginRequiredMiddleware would send an API call without a session to the sign-in
page; the FHIR views are marked login_not_required and check the token here instead, so a
system gets 401 (no or unknown token) or 403 (a token without this resource in its scopes).
A signed-in person's session is not a token: the API answers them 401 too.
"""

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone

from integrations.models import ApiClient, hash_token

# last_used_at is written at most this often per client, not on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class Unauthorized(Exception):
    pass


class Forbidden(Exception):
    pass


def client_for(request: HttpRequest, resource_type: str) -> ApiClient:
    """The active client whose token the request carries, allowed to read `resource_type`."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send the system's token: Authorization: Bearer <token>.")
    client = ApiClient.objects.select_related("user").filter(token_hash=hash_token(token.strip())).first()
    if client is None or not client.active:
        raise Unauthorized("This token is not known or has been withdrawn.")
    if not client.allows(resource_type):
        raise Forbidden(f"This token may not read {resource_type}: ask for the scope to be added.")
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at > LAST_USED_RESOLUTION:
        # A use, not a change to access: no history row (the field is left out of ApiClient.history).
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client
