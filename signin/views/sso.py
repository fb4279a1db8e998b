"""Single sign-on with the trust's OpenID Connect provider: start, callback, and the pages around them.

1. `sso_start` sends the browser to the provider (Authlib keeps state, nonce and the PKCE
   verifier in the session).
2. `sso_callback` takes the provider's answer: it exchanges the code (with the verifier),
   checks the ID token (`signin.oidc.verify`) and how strongly the person authenticated
   (`signin.oidc.assurance`), maps the roles, and signs the account in, or shows why not.
   Nothing is trusted from the browser but the code and the state.
"""

import logging
from typing import Any

from authlib.integrations.base_client.errors import OAuthError
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET
from requests import RequestException

from accounts.models import SignInRecord
from accounts.services import sign_in_record
from signin import services, session
from signin.oidc import assurance, client, roles
from signin.oidc.verify import IdTokenRefused, verify_id_token

logger = logging.getLogger(__name__)
SSO_NEXT = "signin.sso_next"


def _failed(request: HttpRequest, why: str) -> HttpResponse:
    logger.warning("Single sign-on refused: %s", why)
    sign_in_record(user=None, event=SignInRecord.Event.FAILED, method=SignInRecord.Method.SSO, detail=why)
    context = {"provider_name": settings.OIDC_PROVIDER_NAME}
    return render(request, "signin/sso_failed.html", context, status=400)


def _not_strong_enough(request: HttpRequest, refused: assurance.NotStrongEnough) -> HttpResponse:
    """Signed in at the provider, but with a weaker authenticator than this service accepts: nobody signed in."""
    logger.warning("Single sign-on refused: %s", refused)
    sign_in_record(
        user=services.linked_user(settings.OIDC_ISSUER, refused.subject),
        event=SignInRecord.Event.NOT_STRONG_ENOUGH,
        method=SignInRecord.Method.SSO,
        detail=str(refused),
    )
    context = {"provider_name": settings.OIDC_PROVIDER_NAME}
    return render(request, "signin/not_strong_enough.html", context, status=403)


@login_not_required
@require_GET
def sso_start(request: HttpRequest) -> HttpResponse:
    if not client.configured():
        raise Http404("Single sign-on is not set up here.")
    wanted = request.GET.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        request.session[SSO_NEXT] = wanted
    callback = request.build_absolute_uri(reverse("signin:sso-callback"))
    try:
        return client.provider().authorize_redirect(request, callback, **assurance.request_parameters())
    except (RequestException, OAuthError, ValueError) as exc:
        return _failed(request, f"provider unreachable: {type(exc).__name__}")


def _claims(request: HttpRequest) -> dict[str, Any]:
    """The verified ID token claims (plus userinfo when configured); raises on anything wrong."""
    provider = client.provider()
    if request.GET.get("error"):
        raise IdTokenRefused(f"provider answered {request.GET['error'][:50]}")
    state = request.GET.get("state", "")
    state_data = provider.framework.get_state_data(request.session, state) if state else None
    if not state_data:
        raise IdTokenRefused("unknown or reused state")
    provider.framework.clear_state_data(request.session, state)
    token = provider.fetch_access_token(
        code=request.GET.get("code", ""),
        redirect_uri=state_data.get("redirect_uri"),
        code_verifier=state_data.get("code_verifier"),
    )
    if "id_token" not in token:
        raise IdTokenRefused("no ID token in the provider's answer")
    options = {
        "issuer": settings.OIDC_ISSUER,
        "client_id": settings.OIDC_CLIENT_ID,
        "nonce": state_data.get("nonce", ""),
        "leeway": settings.OIDC_CLOCK_LEEWAY_SECONDS,
    }
    try:
        claims = verify_id_token(token["id_token"], jwks=provider.fetch_jwk_set(), **options)
    except IdTokenRefused:
        # The provider may have rotated its keys since we fetched them: fetch once more, check again.
        claims = verify_id_token(token["id_token"], jwks=provider.fetch_jwk_set(force=True), **options)
    assurance.check(claims)  # the signed ID token's acr, before userinfo is merged in
    if settings.OIDC_USERINFO:
        userinfo = dict(provider.userinfo(token=token))
        if userinfo.get("sub") != claims["sub"]:
            raise IdTokenRefused("userinfo is about another subject")
        claims = {**userinfo, **claims}
    return claims


@login_not_required
@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    if not client.configured():
        raise Http404("Single sign-on is not set up here.")
    try:
        claims = _claims(request)
    except IdTokenRefused as exc:
        return _failed(request, str(exc)[:150])
    except assurance.NotStrongEnough as exc:
        return _not_strong_enough(request, exc)
    except (RequestException, OAuthError, ValueError) as exc:
        return _failed(request, f"token exchange failed: {type(exc).__name__}")
    mapped = roles.mapped_roles(claims)
    user = services.sso_user(issuer=settings.OIDC_ISSUER, claims=claims, roles=mapped)
    if user is None:
        sign_in_record(
            user=services.linked_user(settings.OIDC_ISSUER, str(claims["sub"])),
            event=SignInRecord.Event.REFUSED,
            method=SignInRecord.Method.SSO,
            detail="no role mapped, or the account is deactivated here",
        )
        context = {
            "provider_name": settings.OIDC_PROVIDER_NAME,
            "values": roles.sent_values(claims),
            "organisations": sorted(roles.role_organisations()),
        }
        return render(request, "signin/no_role.html", context, status=403)
    setattr(user, session.SSO_MARK, True)
    login(request, user, backend=session.SSO_BACKEND)
    sign_in_record(user=user, event=SignInRecord.Event.SIGNED_IN, method=SignInRecord.Method.SSO)
    return redirect(request.session.pop(SSO_NEXT, "") or settings.LOGIN_REDIRECT_URL)


def end_session_url(request: HttpRequest) -> str:
    """The provider's sign-out address (OpenID Connect RP-initiated logout), or "" if it has none."""
    if not client.configured():
        return ""
    try:
        metadata = client.provider().load_server_metadata()
    except (RequestException, OAuthError, ValueError):
        return ""
    if not metadata.get("end_session_endpoint"):
        return ""
    back = request.build_absolute_uri(reverse("login"))
    return str(
        client.provider().create_logout_url(post_logout_redirect_uri=back, client_id=settings.OIDC_CLIENT_ID)["url"]
    )
