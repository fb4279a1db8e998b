"""The referral's part of the case page: which referral the case came from (and any identity note).

The panel only: the referral's own history (drafts, triage, each advice version) is on its page,
and the case page keeps to its query budget (one query for this panel).
"""

from typing import Any

from django.http import HttpRequest

from accounts.policy import can_see_referrals
from cases.models import Case
from referrals.models import Referral


def referral_panel(request: HttpRequest, case: Case) -> tuple[str, dict[str, Any]]:
    """One query: the case's referrals with their organisation."""
    referrals = list(Referral.objects.filter(case=case).select_related("organisation").order_by("submitted_at"))
    return "referrals/_case_referral.html", {"referrals": referrals, "can_open": can_see_referrals(request.user)}


def register() -> None:
    from cases.panels import register_panel

    register_panel(referral_panel)
