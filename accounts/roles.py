"""The team's roles as Django groups, declared here and synced into the database.

A role is a set of "app_label.codename" patterns (shell-style, as in `fnmatch`), not a
list of today's permissions: `mdt.add_*` also covers the meetings, agenda and attendance
models, and whatever model the next issue adds, as soon as `migrate` has created its
permissions (a `post_migrate` handler calls `sync_roles()` after every migrate).

`sync_roles()` makes each group hold exactly the permissions its patterns match, so it is
safe to run again and again (`manage.py sync_roles` does it by hand). Permissions added to
these groups by hand in the admin are removed by the next sync: change this file
instead. Other groups are left alone.

Nobody but a superuser ever deletes: no pattern grants `delete_*`, and rows in the simple
history tables are written by the application only.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.models import AbstractUser, Group
from django.db import DEFAULT_DB_ALIAS, transaction

from accounts import policy
from accounts.choices import COORDINATOR_GROUP, READ_ONLY_GROUP, REFERRER_GROUP, MemberRole

COORDINATOR = COORDINATOR_GROUP
CLINICIAN = "Clinician"
SCAN_REVIEWER = "Scan reviewer"
READ_ONLY = READ_ONLY_GROUP
# Clinicians at referring hospitals: one permission, to refer. What they may see (their organisation's
# referrals and nothing else) is decided by membership of this group (accounts.policy).
REFERRER = REFERRER_GROUP

# Permissions that sign a decision off (custom ones such as `mdt.sign_decision`, and a
# sign-off model's add/change): clinicians' only, never a coordinator's.
SIGN_OFF = frozenset({"mdt.sign*", "mdt.add_*signoff", "mdt.change_*signoff"})

# Never granted to a role: deleting (records are corrected, withdrawn or closed instead)
# and writing history rows (the application writes them).
NEVER = frozenset({"*.delete_*", "*.add_historical*", "*.change_historical*"})


@dataclass(frozen=True)
class Role:
    grants: frozenset[str]
    excludes: frozenset[str] = field(default_factory=frozenset)

    def allows(self, permission: str) -> bool:
        """Whether "app_label.codename" belongs to this role."""

        def matches(patterns: Iterable[str]) -> bool:
            return any(fnmatchcase(permission, pattern) for pattern in patterns)

        return matches(self.grants) and not matches(self.excludes | NEVER)


ROLES: dict[str, Role] = {
    # The coordinators' workspace: register and update the clinical record, run meetings.
    COORDINATOR: Role(
        grants=frozenset(
            {
                *(
                    f"cases.{action}_{model}"
                    for action in ("add", "change")
                    for model in ("patient", "case", "scan", "communicationneeds")
                ),
                "cases.view_*",
                "mdt.add_*",
                "mdt.change_*",
                "mdt.view_*",
                "auth.view_user",  # the admin's autocomplete for responsible clinician and reviewer
                "reports.view_report",  # the service audit (reports/): measures, breach lists, exports
                # The reminder outbox: read-only, and a failed reminder can be sent again.
                "reminders.view_reminder",
                "reminders.resend_reminder",
                # The front door: take referrals by phone, triage, advise, accept; manage referring
                # organisations and approve referrers.
                "referrals.add_*",
                "referrals.change_*",
                "referrals.view_*",
                "referrals.give_advice",
                # The PAS feed's audit trail, and settling its conflicts with a person's correction.
                "integrations.view_feedmessage",
                "integrations.view_feedconflict",
                "integrations.resolve_feedconflict",
                "integrations.export_dataset",  # the national datasets hold NHS numbers: coordinators only
                # The live meeting: the local list of open trials matched to the agenda's cases.
                "live.add_trial",
                "live.change_trial",
                "live.view_*",
            }
        ),
        # Team membership is the superuser's; the periodic-run record is the scheduler's.
        excludes=frozenset(
            {"mdt.add_member", "mdt.change_member", "mdt.add_periodicrun", "mdt.change_periodicrun", *SIGN_OFF}
        ),
    ),
    # Clinicians read everything and record the clinical judgements: scores and decisions.
    CLINICIAN: Role(
        grants=frozenset(
            {
                "cases.view_*",
                "mdt.view_*",
                "cases.add_*assessment",
                "cases.change_*assessment",
                "mdt.add_decision*",
                "mdt.change_decision*",
                "reports.view_report",  # a clinical lead audits the service too (NG234 1.1.2)
                *SIGN_OFF,
                # The on-call registrar or consultant triages and advises on referrals.
                "referrals.view_*",
                "referrals.give_advice",
                "referrals.add_advice",
                "referrals.add_message",
            }
        ),
    ),
    # Only a radiologist, oncologist or spinal surgeon's review counts (docs/clinical-reference.md §8.1).
    SCAN_REVIEWER: Role(grants=frozenset({"cases.review_scan"})),
    # Auditors: see everything in the admin, change nothing, and see who opened which record.
    READ_ONLY: Role(
        grants=frozenset(
            {
                "cases.view_*",
                "mdt.view_*",
                "reminders.view_*",
                "auth.view_user",
                "auth.view_group",
                "accounts.view_accessrecord",
                "accounts.view_signinrecord",
                "reports.view_report",
                "referrals.view_*",
                "live.view_*",
                "integrations.view_feedmessage",
                "integrations.view_feedconflict",
            }
        ),
    ),
    REFERRER: Role(grants=frozenset({"referrals.refer"})),
}

# The groups a team role puts a user in. Scan review is a group of its own rather than
# per-user permissions: it shows in the admin, a changed role takes it away, and the
# rule lives in this one place.
MEMBER_ROLE_GROUPS: dict[str, tuple[str, ...]] = {
    role: (
        (COORDINATOR,)
        if role in policy.COORDINATOR_ROLES
        else (CLINICIAN, SCAN_REVIEWER)
        if role in policy.SCAN_REVIEWER_ROLES
        else (CLINICIAN,)
    )
    for role in MemberRole
}
TEAM_GROUPS = frozenset({COORDINATOR, CLINICIAN, SCAN_REVIEWER})


@transaction.atomic
def assign_referrer(user: AbstractUser) -> None:
    """Make a new account a referrer: the Referrer group only.

    A referrer is never staff or in the team, and an account never becomes one later (the
    confinement is decided at sign-in, accounts.policy): both are refused here.
    """
    if user.is_staff or user.is_superuser or getattr(user, "member", None) is not None or user.groups.exists():
        raise ValueError("Only a new account without a team role or staff access can be made a referrer.")
    user.groups.set(_groups([REFERRER]))


def sync_roles(*, apps: Apps = global_apps, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Create or update the role groups; return how many permissions each now holds.

    Takes a model registry so that a data migration can pass its historical one.
    """
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    permissions = list(permission_model.objects.using(using).values_list("pk", "content_type__app_label", "codename"))
    counts: dict[str, int] = {}
    with transaction.atomic(using=using):
        for name, role in ROLES.items():
            group, _ = group_model.objects.using(using).get_or_create(name=name)
            wanted = [pk for pk, app_label, codename in permissions if role.allows(f"{app_label}.{codename}")]
            group.permissions.set(wanted)
            counts[name] = len(wanted)
    return counts


def sync_roles_after_migrate(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate handler: sync once, after the last app has had its permissions created.

    Django sends post_migrate once per app with models, in INSTALLED_APPS order, and
    creates each app's permissions in its own handler; acting on the last one sees all.
    """
    with_models = [config for config in global_apps.get_app_configs() if config.models_module is not None]
    if with_models and sender is with_models[-1]:
        sync_roles(using=using)


def _groups(names: Iterable[str]) -> list[Group]:
    names = set(names)
    groups = list(Group.objects.filter(name__in=names))
    if len(groups) != len(names):  # e.g. a database flushed without post_migrate
        sync_roles()
        groups = list(Group.objects.filter(name__in=names))
    return groups


@transaction.atomic
def assign_role(user: AbstractUser, member_role: str) -> None:
    """Put a user in the groups of their MDT role (`accounts.choices.MemberRole`), out of the others.

    Coordinators work in the admin, so they become staff; anyone else loses staff status
    unless they are also a read-only auditor or a superuser.
    """
    wanted = MEMBER_ROLE_GROUPS[MemberRole(member_role)]
    user.groups.remove(*_groups(TEAM_GROUPS - set(wanted)))
    user.groups.add(*_groups(wanted))
    set_staff(user)


@transaction.atomic
def assign_read_only(user: AbstractUser) -> None:
    """Make a user a read-only auditor: staff (to open the admin) with view permissions only."""
    user.groups.add(*_groups([READ_ONLY]))
    set_staff(user)


def set_staff(user: AbstractUser) -> None:
    """Staff status as the policy's staff rule (`may_be_staff`) says for the user's groups now, saved if it changed."""
    is_staff = policy.may_be_staff(user)
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
