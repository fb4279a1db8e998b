"""Failed password sign-ins into the sign-in records, from every sign-in page (Django's signal)."""

from typing import Any

from django.contrib.auth import get_user_model

from accounts.models import SignInRecord
from accounts.services import sign_in_record


def record_failure(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    """user_login_failed handler: the account if the username exists; the typed text is never stored."""
    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username")
    user = get_user_model().objects.filter(username=username).first() if isinstance(username, str) else None
    sign_in_record(user=user, event=SignInRecord.Event.FAILED, method=SignInRecord.Method.PASSWORD)
