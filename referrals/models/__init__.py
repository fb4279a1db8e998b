"""Referrals: organisations and referrers (organisations.py), the referral (referrals.py), its advice and
message thread (advice.py), the coordinators' duty rota (rota.py)."""

from referrals.models.advice import Advice, AdviceQuerySet, Message
from referrals.models.organisations import Organisation, Referrer
from referrals.models.referrals import Referral, ReferralQuerySet
from referrals.models.rota import DutyShift, DutyShiftQuerySet

__all__ = [
    "Advice",
    "AdviceQuerySet",
    "DutyShift",
    "DutyShiftQuerySet",
    "Message",
    "Organisation",
    "Referral",
    "ReferralQuerySet",
    "Referrer",
]
