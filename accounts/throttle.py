"""Sign-in throttling: a username, or a client address, that fails too often is paused.

Two counters per attempt, both in the database (shared by every web process, kept
across restarts):

- the **username**: `LOGIN_FAILURE_LIMIT` attempts (default 5) without a success pause
  that username for `LOGIN_COOLOFF_SECONDS` (default 15 minutes), from any address. This
  stops guessing one person's password, however many machines the guesser uses.
- the **client address**: `LOGIN_IP_FAILURE_LIMIT` failures (default 4 x the username
  limit) pause that address. This stops one machine trying one password against every
  username (rotating usernames would otherwise never trip the username counter), and it
  caps how many accounts one machine can pause: attempts from a paused address are
  refused without being counted against any username, so one attacker pauses at most
  four accounts per cool-off instead of everyone's.

The second step of a sign-in (a one-time code, a recovery code or a passkey, signin/) has a
counter of its own per **account** (`MFA_FAILURE_LIMIT`), counted with the address's.

An attempt is counted *before* the password is checked, inside a row lock, so a burst of
parallel guesses cannot slip past the limit; a success then gives its attempt back
(clears the username's counter, returns the address's one slot), so people who sign in
fine never add up on a shared address.

A pause ends by itself when the cool-off has passed; attempts refused during a pause are
not counted, so they do not extend it.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import SignInThrottle

Scope = SignInThrottle.Scope


@dataclass(frozen=True)
class Counter:
    scope: str
    key: str
    limit: int


def _key(scope: str, value: str) -> str:
    return salted_hmac("accounts.throttle", f"{scope}:{value}", algorithm="sha256").hexdigest()


def client_address(request: HttpRequest | None) -> str:
    """The client's address: from `CLIENT_IP_HEADER` behind a proxy, else the connection's."""
    if request is None:
        return ""
    header = settings.CLIENT_IP_HEADER
    if header:
        # The proxy appends the address it saw to whatever the client sent: trust only the last.
        raw = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        return raw.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def counters(*, username: str, address: str) -> list[Counter]:
    found = [Counter(Scope.USERNAME, _key(Scope.USERNAME, username.strip().casefold()), settings.LOGIN_FAILURE_LIMIT)]
    if address and settings.LOGIN_IP_FAILURE_LIMIT:
        found.append(Counter(Scope.ADDRESS, _key(Scope.ADDRESS, address), settings.LOGIN_IP_FAILURE_LIMIT))
    return found


def sign_up_counters(*, address: str) -> list[Counter]:
    """Referrer sign-ups from one client address: counted like failed sign-ins, with the same limit and pause."""
    if not address or not settings.LOGIN_IP_FAILURE_LIMIT:
        return []
    return [Counter(Scope.ADDRESS, _key(Scope.ADDRESS, f"sign-up:{address}"), settings.LOGIN_IP_FAILURE_LIMIT)]


def second_factor_counters(*, user_id: int, address: str) -> list[Counter]:
    """The counters for one account's second step: its own, and the shared address counter."""
    found = [
        Counter(Scope.SECOND_FACTOR, _key(Scope.SECOND_FACTOR, str(user_id)), settings.MFA_FAILURE_LIMIT),
    ]
    if address and settings.LOGIN_IP_FAILURE_LIMIT:
        found.append(Counter(Scope.ADDRESS, _key(Scope.ADDRESS, address), settings.LOGIN_IP_FAILURE_LIMIT))
    return found


def _cooloff() -> dt.timedelta:
    return dt.timedelta(seconds=settings.LOGIN_COOLOFF_SECONDS)


def _locked_rows(found: list[Counter], now: dt.datetime) -> list[tuple[Counter, SignInThrottle]]:
    rows = []
    for counter in sorted(found, key=lambda c: c.key):  # one lock order for every request: no deadlocks
        row, _ = SignInThrottle.objects.select_for_update().get_or_create(
            key=counter.key, defaults={"scope": counter.scope, "window_started_at": now}
        )
        rows.append((counter, row))
    return rows


@transaction.atomic
def reserve_attempt(found: list[Counter]) -> bool:
    """Count one attempt on every counter; False, counting nothing, if any is paused."""
    now = timezone.now()
    rows = _locked_rows(found, now)
    if any(row.locked_until and row.locked_until > now for _, row in rows):
        return False
    for counter, row in rows:
        if row.locked_until is not None or now - row.window_started_at >= _cooloff():
            row.attempts, row.window_started_at, row.locked_until = 0, now, None  # a fresh window
        row.attempts += 1
        if row.attempts >= counter.limit:
            row.locked_until = now + _cooloff()
        row.save()
    return True


@transaction.atomic
def attempt_succeeded(found: list[Counter]) -> None:
    """Give back the successful attempt: the username starts afresh, the address gets its slot back."""
    now = timezone.now()
    for counter, row in _locked_rows(found, now):
        if counter.scope != Scope.ADDRESS:  # a username or one account's second factor
            row.delete()
            continue
        row.attempts = max(row.attempts - 1, 0)
        if row.attempts < counter.limit:
            row.locked_until = None
        row.save(update_fields=["attempts", "locked_until"])
    # Forget counters whose window and pause are both over, so the table stays small.
    SignInThrottle.objects.filter(window_started_at__lt=now - _cooloff()).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    ).delete()
