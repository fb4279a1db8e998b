"""Time-based one-time codes (RFC 6238, as every authenticator app makes them), each accepted once.

A code is checked against the current 30-second step and one step either side (clocks of
phones drift), and only if its step is later than the last one accepted on that device:
a code seen over someone's shoulder, or sent twice, is refused the second time.
"""

import hmac

import pyotp
import segno
from django.db import transaction
from django.utils import timezone

from core.numbers import ascii_digits
from signin.models import TotpDevice

STEP_SECONDS = 30
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(device: TotpDevice, *, account: str, issuer: str) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The enrolment QR code as an inline SVG (no script, no external image: the CSP allows it)."""
    return str(segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff", omitsize=False))


def _normalise(code: str) -> str:
    return "".join(ch for ch in code if not ch.isspace() and ch != "-")


def matching_step(secret: str, code: str, *, now: float | None = None) -> int | None:
    """The step (within the drift window) whose code this is, or None."""
    code = _normalise(code)
    if len(code) != 6 or not ascii_digits(code):  # compare_digest refuses non-ASCII text
        return None
    totp = pyotp.TOTP(secret)
    current = int((timezone.now().timestamp() if now is None else now) // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


@transaction.atomic
def verify(device_id: int, code: str) -> bool:
    """Accept `code` for this device once: the device row is locked while its last step moves on."""
    device = TotpDevice.objects.select_for_update().get(pk=device_id)
    step = matching_step(device.secret, code)
    if step is None or step <= device.last_step:
        return False
    device.last_step = step
    device.last_used_at = timezone.now()
    device.save(update_fields=["last_step", "last_used_at"])
    return True
