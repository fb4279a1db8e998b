"""Shared helpers for the access-control tests: users in each role, made the way production makes them."""

from typing import Any

from accounts.roles import assign_read_only, assign_role
from mdt.models import Member
from tests.factories import MemberFactory, UserFactory
from tests.referrals.makers import referrer_user as make_referrer

PASSWORD = "correct-horse-battery"  # UserFactory's


def team_user(username: str, role: str) -> Any:
    """A user with an MDT role, in the groups `assign_role` gives that role."""
    user = UserFactory(username=username)
    MemberFactory(user=user, role=role)
    assign_role(user, role)
    return user


def coordinator_user(username: str = "coordinator") -> Any:
    return team_user(username, Member.Role.MDT_COORDINATOR)


def clinician_user(username: str = "radiologist", role: str = Member.Role.RADIOLOGIST) -> Any:
    return team_user(username, role)


def read_only_user(username: str = "auditor") -> Any:
    user = UserFactory(username=username)
    assign_read_only(user)
    return user


def no_role_user(username: str = "nobody") -> Any:
    """Signed in, but in no group and not in the team: what a new account looks like."""
    return UserFactory(username=username)


def referrer_user(username: str = "referrer") -> Any:
    """A clinician at a referring hospital: the Referrer role, their organisation's referrals only."""
    return make_referrer(username)


ROLE_MAKERS = {
    "coordinator": coordinator_user,
    "clinician": clinician_user,
    "read_only": read_only_user,
    "no_role": no_role_user,
    "referrer": referrer_user,
}
