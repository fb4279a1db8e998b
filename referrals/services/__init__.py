"""Writes to referrals: drafts and submission (drafts.py), triage, advice, decline and messages
(triage.py), accepting into a case (accept.py), referrer sign-up (signup.py)."""
