"""The coordinators' workspace, the service audit and what it shows, the hospital's interfaces, the reminder outbox."""

from typing import Any

from accounts.choices import COORDINATOR_GROUP, READ_ONLY_GROUP
from accounts.policy.team import is_clinician, is_coordinator


def may_be_staff(user: Any) -> bool:
    """Staff status, set from the groups at each role change and sign-on: coordinators, auditors, superusers."""
    return bool(user.is_superuser) or user.groups.filter(name__in=[COORDINATOR_GROUP, READ_ONLY_GROUP]).exists()


def can_open_workspace(user: Any) -> bool:
    """See links into the coordinators' workspace (the admin checks its own permissions inside)."""
    return bool(user.is_staff)


def can_view_reports(user: Any) -> bool:
    """Open the service audit (measures, breach lists, exports)."""
    return bool(user.has_perm("reports.view_report"))


def can_see_names(user: Any) -> bool:
    """Patients' names in the audit: team members only; an auditor sees MRN and case id."""
    return is_coordinator(user) or is_clinician(user)


def can_see_mrn(user: Any) -> bool:
    """The MRN (never a name or NHS number) in audit lists and exports: roles that may see patients' records."""
    return bool(user.has_perm("cases.view_patient"))


def can_resolve_feed_conflict(user: Any) -> bool:
    """Settle a conflict between the PAS feed and the record (keep the record's value or apply the feed's)."""
    return bool(user.has_perm("integrations.resolve_feedconflict"))


def can_review_feed_message(user: Any) -> bool:
    """Mark a PAS feed message that needed review as reviewed, saying what was done (who settles conflicts)."""
    return bool(user.has_perm("integrations.resolve_feedconflict"))


def can_export_dataset(user: Any) -> bool:
    """Export the national cancer datasets (COSD, cancer waiting times): they hold NHS numbers."""
    return bool(user.has_perm("integrations.export_dataset"))


def can_resend_reminder(user: Any) -> bool:
    """Send a failed reminder again from the reminder outbox."""
    return bool(user.has_perm("reminders.resend_reminder"))
