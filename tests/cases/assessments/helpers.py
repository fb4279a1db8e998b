"""Shared by the score tests: the frozen time, the scorer, and the form's address."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Permission
from django.urls import reverse

from mdt.models import Member
from tests.factories import (
    clinician,
)

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=LONDON)

# junctional 3 + mechanical 3 + lytic 2 + normal 0 + lt50 2 + unilateral 1 = 11: potentially unstable
SINS_11 = {
    "location": "junctional",
    "pain": "mechanical",
    "bone_lesion": "lytic",
    "alignment": "normal",
    "vertebral_body_collapse": "lt50",
    "posterolateral_involvement": "unilateral",
}
# slow 1 + none 0 + multiple 2 = 3: long-term local control
TOMITA_3 = {"primary_growth": "slow", "visceral_mets": "none", "bone_mets": "multiple"}


def scorer(username: str = "oncologist"):
    """A clinician allowed to record scores (clinician() alone does not grant cases.add_assessment)."""
    user = clinician(username, Member.Role.ONCOLOGIST)
    user.user_permissions.add(Permission.objects.get(codename="add_assessment"))
    return user


def form_url(case, kind: str, query: str = "") -> str:
    return reverse("assessment-new", args=[case.pk, kind]) + query
