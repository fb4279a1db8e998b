"""The role table: nobody gets a role it does not grant, whatever the provider sends."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from signin.checks import assurance_is_valid, role_organisations_are_valid, role_table_is_valid
from signin.oidc.roles import READ_ONLY, claim_values, mapped_roles, role_table, sent_values

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


ORGS = ["RX1", "rx1", "RZZ", "A12345", "", " RX1 ", None, 7]


@pytest.mark.hazard("HAZ-171")
@given(
    held=st.lists(
        st.fixed_dictionaries(
            {"role_code": st.sampled_from(["R1", "R2", "R3"])},
            optional={"org_code": st.one_of(st.sampled_from(ORGS), st.text(max_size=6))},
        ),
        max_size=6,
    )
)
def test_with_organisations_set_only_a_role_held_at_one_of_them_counts(held):
    with override_settings(
        OIDC_ROLES_CLAIM="nhsid_nrbac_roles", OIDC_ROLES_KEY="role_code", OIDC_ROLE_ORGANISATIONS=["RX1", "a12345"]
    ):
        counted = claim_values({"nhsid_nrbac_roles": held})

    here = {"RX1", "A12345"}
    assert counted == {
        item["role_code"]
        for item in held
        if isinstance(item.get("org_code"), str) and item["org_code"].strip().upper() in here
    }


def test_without_organisations_a_role_counts_wherever_it_is_held_and_the_page_says_where_when_they_are(settings):
    settings.OIDC_ROLES_CLAIM = "nhsid_nrbac_roles"
    claims = {"nhsid_nrbac_roles": [{"role_code": "R1", "org_code": "RZZ"}, {"role_code": "R2"}]}

    assert claim_values(claims) == {"R1", "R2"} and sent_values(claims) == ["R1", "R2"]
    settings.OIDC_ROLE_ORGANISATIONS = ["RX1"]
    assert claim_values(claims) == set()
    assert sent_values(claims) == ["R1 (at RZZ)", "R2 (at no organisation)"]


@pytest.mark.hazard("HAZ-171")
@pytest.mark.parametrize("bad", [["RX 1"], ["RX1;RZZ"], ["R"], ["RX1", "RÖ1"]])
def test_an_organisation_that_is_not_an_ods_code_stops_the_checks(settings, bad):
    settings.OIDC_ROLE_ORGANISATIONS = bad

    errors = role_organisations_are_valid(None)

    assert [error.id for error in errors] == ["signin.E003"] and "OIDC_ROLE_ORGANISATIONS" in errors[0].msg


@pytest.mark.hazard("HAZ-170")
@pytest.mark.parametrize("bad", [["AAL3_ANY AAL2_ANY"], [""], ["AAL3_ANY", "AAL\t3"]])
def test_an_accepted_level_that_is_not_one_acr_value_stops_the_checks(settings, bad):
    settings.OIDC_ACCEPTED_ACR = bad

    errors = assurance_is_valid(None)

    assert [error.id for error in errors] == ["signin.E002"] and "separate values with commas" in errors[0].msg


def test_accepted_levels_and_organisations_as_configured_pass_the_checks(settings):
    settings.OIDC_ACCEPTED_ACR = ["AAL3_ANY", "http://idmanagement.gov/ns/assurance/aal/3"]
    settings.OIDC_ROLE_ORGANISATIONS = ["RX1", "A12345"]

    assert assurance_is_valid(None) == [] and role_organisations_are_valid(None) == []
