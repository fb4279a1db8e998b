"""Passkeys (WebAuthn) as the second factor: the two ceremonies, with py_webauthn doing the checks.

Each ceremony is two requests: the options (a fresh random challenge, kept in the session)
and the browser's answer, verified against that challenge, this site's origin and its
relying-party id. A challenge is used once: it leaves the session when it is checked.
"""

from typing import Any

import webauthn
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from signin.models import Passkey

CHALLENGE = "signin.passkey_challenge"


class PasskeyRefused(Exception):
    """The browser's answer did not verify (wrong challenge, origin or key, or an unknown passkey)."""


def _rp_id(request: HttpRequest) -> str:
    return str(settings.WEBAUTHN_RP_ID or request.get_host().rsplit(":", 1)[0])


def _origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _take_challenge(request: HttpRequest, ceremony: str) -> bytes:
    stored = request.session.pop(CHALLENGE, None)
    if not stored or stored.get("ceremony") != ceremony:
        raise PasskeyRefused("no challenge for this ceremony")
    return webauthn.base64url_to_bytes(stored["challenge"])


def _keep_challenge(request: HttpRequest, ceremony: str, challenge: bytes) -> None:
    request.session[CHALLENGE] = {"ceremony": ceremony, "challenge": bytes_to_base64url(challenge)}


def registration_options(request: HttpRequest, user: Any) -> str:
    options = webauthn.generate_registration_options(
        rp_id=_rp_id(request),
        rp_name=settings.WEBAUTHN_RP_NAME,
        user_name=user.get_username(),
        user_id=str(user.pk).encode(),
        user_display_name=user.get_full_name() or user.get_username(),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(cid))
            for cid in Passkey.objects.filter(user=user).values_list("credential_id", flat=True)
        ],
    )
    _keep_challenge(request, "register", options.challenge)
    return str(webauthn.options_to_json(options))


def register(request: HttpRequest, user: Any, credential: dict[str, Any], name: str) -> Passkey:
    challenge = _take_challenge(request, "register")
    try:
        verified = webauthn.verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=_rp_id(request),
            expected_origin=_origin(request),
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyRefused(str(exc)) from exc
    return Passkey.objects.create(
        user=user,
        name=name[:60] or "Passkey",
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
    )


def authentication_options(request: HttpRequest, user: Any) -> str:
    options = webauthn.generate_authentication_options(
        rp_id=_rp_id(request),
        allow_credentials=[
            PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(cid))
            for cid in Passkey.objects.filter(user=user).values_list("credential_id", flat=True)
        ],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _keep_challenge(request, "authenticate", options.challenge)
    return str(webauthn.options_to_json(options))


@transaction.atomic
def authenticate(request: HttpRequest, user: Any, credential: dict[str, Any]) -> Passkey:
    """Verify the answer with one of *this user's* passkeys; a removed passkey is unknown here."""
    challenge = _take_challenge(request, "authenticate")
    passkey = Passkey.objects.select_for_update().filter(user=user, credential_id=str(credential.get("id", ""))).first()
    if passkey is None:
        raise PasskeyRefused("not a passkey of this account")
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=_rp_id(request),
            expected_origin=_origin(request),
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyRefused(str(exc)) from exc
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = timezone.now()
    passkey.save(update_fields=["sign_count", "last_used_at"])
    return passkey
