"""The role table: nobody gets a role it does not grant, whatever the provider sends."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from signin.checks import role_table_is_valid
from signin.oidc.roles import READ_ONLY, claim_values, mapped_roles, role_table

TABLE = "MDT.Oncologist=oncologist;MDT.Coordinator=mdt_coordinator;MDT.Audit=read_only"
VALUES = ["MDT.Oncologist", "MDT.Coordinator", "MDT.Audit", "mdt.oncologist", "Admin", "oncologist", "read_only", ""]


@pytest.mark.hazard("HAZ-035")
@given(sent=st.lists(st.one_of(st.sampled_from(VALUES), st.text(max_size=20)), max_size=8))
def test_every_role_given_is_granted_by_the_table_for_a_value_that_was_sent(sent):
    with override_settings(OIDC_ROLE_MAP=TABLE, OIDC_ROLES_CLAIM="roles"):
        roles = mapped_roles({"roles": sent})
        granted = {role for value, role in role_table() if value in sent}

    assert roles.member_role is None or roles.member_role in granted
    assert roles.read_only == (READ_ONLY in granted)
    assert roles.any == bool(granted)


def test_the_first_mdt_role_in_the_table_wins_and_read_only_adds(settings):
    settings.OIDC_ROLE_MAP = TABLE

    roles = mapped_roles({"roles": ["MDT.Audit", "MDT.Coordinator", "MDT.Oncologist"]})

    assert (roles.member_role, roles.read_only) == ("oncologist", True)


def test_it_reads_cis2_style_role_objects_by_their_code(settings):
    settings.OIDC_ROLES_CLAIM = "nhsid_nrbac_roles"
    settings.OIDC_ROLES_KEY = "role_code"
    claims = {"nhsid_nrbac_roles": [{"role_code": "S1:G1:R1", "org_code": "X"}, {"role_name": "no code"}, "S2"]}

    assert claim_values(claims) == {"S1:G1:R1", "S2"}


def test_a_single_string_claim_is_one_value_and_a_missing_claim_none(settings):
    settings.OIDC_ROLES_CLAIM = "roles"

    assert claim_values({"roles": "MDT.Audit"}) == {"MDT.Audit"}
    assert claim_values({}) == set()


@pytest.mark.parametrize("bad", ["MDT.X=superuser", "MDT.X", "=oncologist", "MDT.X=Oncologist"])
@pytest.mark.hazard("HAZ-035")
def test_a_table_naming_a_role_that_does_not_exist_stops_the_checks(settings, bad):
    settings.OIDC_ROLE_MAP = bad

    with pytest.raises(ImproperlyConfigured):
        role_table()
    assert [error.id for error in role_table_is_valid(None)] == ["signin.E001"]
