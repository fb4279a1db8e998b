"""The referral's part of the case page: which referral the case came from, and its advice."""

from typing import Any

from django.http import HttpRequest

from accounts.referrer_access import can_see_inbox
from cases.models import Case
from cases.timeline import register_source
from referrals.models import Advice, Referral


def referral_panel(request: HttpRequest, case: Case) -> tuple[str, dict[str, Any]]:
    """One query: the case's referrals with their organisation."""
    referrals = list(Referral.objects.filter(case=case).select_related("organisation").order_by("submitted_at"))
    return "referrals/_case_referral.html", {"referrals": referrals, "can_open": can_see_inbox(request.user)}


def register() -> None:
    from cases.panels import register_panel

    register_panel(referral_panel)
    register_source(
        lambda r: f"Referral {r.reference or ''}".strip(), lambda case: Referral.history.filter(case_id=case.pk)
    )
    register_source(lambda r: "Referral advice", lambda case: Advice.history.filter(referral__case_id=case.pk))
