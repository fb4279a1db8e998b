"""Referrals still open on a case, listed before the case is closed (cases.closing; HAZ-029)."""

from cases.models import Case
from referrals.models import Referral


def open_referrals(case: Case) -> list[str]:
    return [
        f"Referral {referral.reference}: {referral.get_status_display().lower()}, not yet answered."
        for referral in Referral.objects.open().filter(case=case).order_by("submitted_at")
    ]
