"""Roles are groups declared in accounts/roles.py, synced by migrate, and given by assign_role."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from accounts.roles import (
    CLINICIAN,
    COORDINATOR,
    MEMBER_ROLE_GROUPS,
    READ_ONLY,
    ROLES,
    SCAN_REVIEWER,
    assign_role,
    sync_roles,
)
from mdt.models import Member
from tests.factories import UserFactory, clinician_user, coordinator_user, read_only_user, team_user

pytestmark = pytest.mark.django_db


def perms(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_it_creates_the_groups_when_the_database_is_migrated():
    assert set(Group.objects.values_list("name", flat=True)) >= {COORDINATOR, CLINICIAN, SCAN_REVIEWER, READ_ONLY}
    assert all(perms(name) for name in ROLES)


@pytest.mark.hazard("HAZ-005")
def test_it_gives_coordinators_the_workspace_but_no_review_no_deletes_and_no_team_changes():
    granted = perms(COORDINATOR)

    assert {
        f"cases.{action}_{model}" for action in ("add", "change", "view") for model in ("patient", "case", "scan")
    } <= granted
    assert {"mdt.view_member", "auth.view_user", "mdt.add_meeting", "mdt.change_agendaitem"} <= granted
    assert {"cases.review_scan", "mdt.add_member", "mdt.change_member", "accounts.view_accessrecord"}.isdisjoint(
        granted
    )
    assert not {p for p in granted if ".delete_" in p}
    assert "cases.add_assessment" not in granted  # scores are clinical judgements


def test_it_lets_clinicians_read_everything_and_score_but_not_review_scans_by_default():
    granted = perms(CLINICIAN)

    assert {"cases.view_patient", "cases.view_case", "cases.view_scan", "mdt.view_meeting"} <= granted
    assert "cases.add_assessment" in granted
    assert "cases.review_scan" not in granted
    assert not {p for p in granted if p.split(".")[1].startswith(("delete_", "add_patient", "change_patient"))}
    assert perms(SCAN_REVIEWER) == {"cases.review_scan"}


def test_it_gives_the_read_only_role_view_permissions_only_and_the_access_records():
    granted = perms(READ_ONLY)

    assert "accounts.view_accessrecord" in granted
    assert {"cases.view_patient", "mdt.view_meeting", "auth.view_user"} <= granted
    assert all(p.split(".")[1].startswith("view_") for p in granted)


def test_it_covers_models_added_later_by_their_permission_names():
    mdt = ContentType.objects.get_or_create(app_label="mdt", model="decisionsignoff")[0]
    for codename in ("add_decisionsignoff", "view_decisionsignoff", "sign_decision", "delete_decisionsignoff"):
        Permission.objects.create(content_type=mdt, codename=codename, name=codename)
    meeting_minutes = ContentType.objects.get_or_create(app_label="mdt", model="minutes")[0]
    Permission.objects.create(content_type=meeting_minutes, codename="add_minutes", name="add minutes")

    sync_roles()

    assert {"mdt.add_minutes", "mdt.view_decisionsignoff"} <= perms(COORDINATOR)
    assert {"mdt.sign_decision", "mdt.add_decisionsignoff"}.isdisjoint(perms(COORDINATOR))
    assert {"mdt.sign_decision", "mdt.add_decisionsignoff", "mdt.view_decisionsignoff"} <= perms(CLINICIAN)
    assert "mdt.delete_decisionsignoff" not in perms(CLINICIAN) | perms(COORDINATOR)
    assert "mdt.add_minutes" not in perms(CLINICIAN) | perms(READ_ONLY)


def test_it_syncs_idempotently_and_puts_back_what_was_changed_by_hand():
    before = {name: perms(name) for name in ROLES}
    Group.objects.get(name=READ_ONLY).permissions.add(Permission.objects.get(codename="change_patient"))
    Group.objects.get(name=CLINICIAN).permissions.clear()

    call_command("sync_roles", stdout=io.StringIO())
    sync_roles()

    assert {name: perms(name) for name in ROLES} == before
    assert Group.objects.filter(name__in=list(ROLES)).count() == len(ROLES)


def test_it_maps_every_team_role_to_groups():
    assert set(MEMBER_ROLE_GROUPS) == set(Member.Role.values)


@pytest.mark.parametrize(
    ("role", "groups", "staff", "reviews"),
    [
        (Member.Role.MDT_COORDINATOR, {COORDINATOR}, True, False),
        (Member.Role.MSCC_COORDINATOR, {COORDINATOR}, True, False),
        (Member.Role.RADIOLOGIST, {CLINICIAN, SCAN_REVIEWER}, False, True),
        (Member.Role.ONCOLOGIST, {CLINICIAN, SCAN_REVIEWER}, False, True),
        (Member.Role.SPINAL_SURGEON, {CLINICIAN, SCAN_REVIEWER}, False, True),
        (Member.Role.PALLIATIVE_CARE, {CLINICIAN}, False, False),
        (Member.Role.PHYSIOTHERAPIST, {CLINICIAN}, False, False),
        (Member.Role.NURSE_SPECIALIST, {CLINICIAN}, False, False),
    ],
)
def test_it_assigns_the_groups_of_a_team_role(role, groups, staff, reviews):
    user = team_user("someone", role)

    assert set(user.groups.values_list("name", flat=True)) == groups
    assert user.is_staff is staff
    assert user.has_perm("cases.review_scan") is reviews
    assert user.has_perm("cases.view_patient")


def test_it_moves_a_user_whose_role_changes_out_of_the_old_groups():
    user = coordinator_user()

    assign_role(user, Member.Role.PHYSIOTHERAPIST)

    user.refresh_from_db()
    assert set(user.groups.values_list("name", flat=True)) == {CLINICIAN}
    assert not user.is_staff
    assert not user.has_perm("cases.change_patient")


def test_it_keeps_an_auditor_staff_when_their_team_role_changes():
    user = read_only_user()

    assign_role(user, Member.Role.NURSE_SPECIALIST)

    user.refresh_from_db()
    assert user.is_staff
    assert set(user.groups.values_list("name", flat=True)) == {CLINICIAN, READ_ONLY}


def test_it_refuses_a_role_that_does_not_exist():
    with pytest.raises(ValueError):
        assign_role(UserFactory(), "porter")


def test_it_makes_auditors_staff_without_any_write_permission():
    user = read_only_user()

    assert user.is_staff
    assert user.has_perm("accounts.view_accessrecord")
    assert not any(user.has_perm(p) for p in ("cases.change_patient", "cases.add_case", "mdt.add_meeting"))
    assert not clinician_user().has_perm("accounts.view_accessrecord")


def test_its_command_assigns_a_members_role_or_makes_an_auditor():
    user = UserFactory(username="rhys")
    Member.objects.create(user=user, role=Member.Role.RADIOLOGIST)
    auditor = UserFactory(username="audrey")
    out = io.StringIO()

    call_command("assign_role", "rhys", stdout=out)
    call_command("assign_role", "audrey", "--read-only", stdout=out)

    assert set(user.groups.values_list("name", flat=True)) == {CLINICIAN, SCAN_REVIEWER}
    auditor.refresh_from_db()
    assert auditor.is_staff and set(auditor.groups.values_list("name", flat=True)) == {READ_ONLY}
    assert out.getvalue().splitlines() == ["rhys: Clinician, Scan reviewer; staff: no", "audrey: Read-only; staff: yes"]
    with pytest.raises(CommandError, match="no MDT role"):
        call_command("assign_role", "audrey")
