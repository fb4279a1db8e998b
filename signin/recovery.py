"""Recovery codes: ten one-time codes for the day the phone or key is lost.

Each is 10 characters from a 32-letter alphabet (50 bits), so a keyed hash (HMAC-SHA256
with the site's secret key) is enough to store it: guessing one is hopeless, the sign-in
throttle counts every wrong code, and a stolen table does not give the codes away.
"""

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from signin.models import RecoveryCode

COUNT = 10
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper


def _hash(code: str) -> str:
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    return salted_hmac("signin.recovery", normalised, algorithm="sha256").hexdigest()


def looks_like_one(code: str) -> bool:
    return len("".join(ch for ch in code if ch.isalnum())) == 10


@transaction.atomic
def replace_codes(user: Any) -> list[str]:
    """New codes for `user`, replacing any old ones; the plain codes are returned once and never stored."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _ in range(COUNT):
        raw = "".join(secrets.choice(ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=_hash(code)) for code in codes)
    return codes


def use(user: Any, code: str) -> bool:
    """Spend one unused code of `user`; a conditional update, so a code works once even in a race."""
    return bool(
        RecoveryCode.objects.filter(user=user, code_hash=_hash(code), used_at__isnull=True).update(
            used_at=timezone.now()
        )
    )


def unused_count(user: Any) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
