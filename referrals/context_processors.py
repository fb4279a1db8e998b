from typing import Any

from django.http import HttpRequest

from accounts.referrer_access import can_see_inbox, is_referrer


def front_door(request: HttpRequest) -> dict[str, Any]:
    """What the navbar needs: a referrer's own menu, or the service's link to the triage inbox."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    referrer = is_referrer(user)
    return {"is_referrer": referrer, "referrals_link": not referrer and can_see_inbox(user)}
