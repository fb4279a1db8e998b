"""Referrals: organisations and referrers (organisations.py), the referral (referrals.py), its advice and
message thread (advice.py)."""

from referrals.models.advice import Advice, AdviceQuerySet, Message
from referrals.models.organisations import Organisation, Referrer
from referrals.models.referrals import Referral, ReferralQuerySet

__all__ = ["Advice", "AdviceQuerySet", "Message", "Organisation", "Referral", "ReferralQuerySet", "Referrer"]
