"""The client's public key set, for the provider to fetch (`private_key_jwt`; `signin.oidc.jwks`).

Public: the provider fetches it without a session, and it holds nothing secret. GET only. Cached by the provider
and any proxy for `MAX_AGE_SECONDS`, so a key added to the set is seen within that time (plus the provider's
own cache, docs/deploy.md §4a).
"""

import logging

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_GET

from signin.oidc import jwks

logger = logging.getLogger(__name__)
MAX_AGE_SECONDS = 600


@login_not_required
@require_GET
def public_key_set(request: HttpRequest) -> HttpResponse:
    if not jwks.published():
        raise Http404("This service signs no client assertions.")
    try:
        keys = jwks.public_key_set()
    except ImproperlyConfigured as exc:  # the start-up checks say the same; the message never holds a key
        logger.error("The client's public key set cannot be served: %s", exc)
        response = JsonResponse({"error": "the key set is not available"}, status=503)
        add_never_cache_headers(response)
        return response
    response = JsonResponse(keys)
    patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
    return response
