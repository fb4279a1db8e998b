"""Recording scores through the service: totals, bands, versions, and what it refuses."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import Assessment
from cases.services import assessment_record
from tests.cases.assessments.helpers import NOW, SINS_11, TOMITA_3, scorer
from tests.factories import (
    TOKUHASHI_11,
    ScanFactory,
    clinician,
    coordinator,
)

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- the service


def test_it_records_a_complete_sins_with_its_total_band_version_and_scorer(case):
    user = scorer()
    scan = ScanFactory(case=case, requested_at=NOW - dt.timedelta(days=1), performed=True)

    assessment = assessment_record(case=case, kind="sins", components=SINS_11, user=user, level="t11", scan=scan)

    saved = Assessment.objects.get(pk=assessment.pk)
    assert (saved.kind, saved.level, saved.version) == ("sins", "T11", "sins_2010")
    assert (saved.total, saved.band, saved.complete) == (11, "potentially_unstable", True)
    assert saved.components == SINS_11
    assert saved.assessed_by == user
    assert saved.assessed_at == NOW
    assert saved.scan == scan
    assert saved.band_label == "Potentially unstable (indeterminate)"
    [history] = saved.history.all()
    assert history.history_user == user
    assert history.history_type == "+"


@pytest.mark.parametrize(
    ("kind", "components", "version", "total", "band"),
    [
        ("tokuhashi", TOKUHASHI_11, "tokuhashi_revised_2005", 11, "ge_6_months"),
        ("tomita", TOMITA_3, "tomita_2001", 3, "long_term_local_control"),
    ],
)
@pytest.mark.hazard("HAZ-004")
def test_it_records_tokuhashi_and_tomita_by_their_current_version(case, kind, components, version, total, band):
    assessment = assessment_record(case=case, kind=kind, components=components, user=scorer())

    saved = Assessment.objects.get(pk=assessment.pk)
    assert (saved.kind, saved.version, saved.total, saved.band, saved.complete) == (kind, version, total, band, True)
    assert saved.level == ""


@pytest.mark.hazard("HAZ-022")
@pytest.mark.parametrize("blank", ["", None])
def test_it_saves_a_sins_with_a_blank_component_as_incomplete_and_never_as_0(case, blank):
    components = {**SINS_11, "pain": blank}

    assessment = assessment_record(case=case, kind="sins", components=components, user=scorer(), level="T11")

    saved = Assessment.objects.get(pk=assessment.pk)
    assert saved.complete is False
    assert saved.total is None
    assert saved.band == ""
    assert "pain" not in saved.components
    assert saved.result().missing == ("pain",)


def test_it_refuses_an_option_not_in_the_table_naming_the_component_and_saves_nothing(case):
    components = {**SINS_11, "bone_lesion": "chalky"}

    with pytest.raises(ValidationError) as refused:
        assessment_record(case=case, kind="sins", components=components, user=scorer(), level="T11")

    assert "bone_lesion" in " ".join(refused.value.messages)
    assert "'chalky'" in " ".join(refused.value.messages)
    assert Assessment.objects.count() == 0


def test_it_refuses_a_sins_without_a_level_and_saves_nothing(case):
    with pytest.raises(ValidationError) as refused:
        assessment_record(case=case, kind="sins", components=SINS_11, user=scorer())

    assert refused.value.message_dict["level"] == ["SINS is scored per level: give the level."]
    assert Assessment.objects.count() == 0


@pytest.mark.parametrize("level", ["T13", "L6"])
def test_it_refuses_a_sins_at_a_level_that_does_not_exist_naming_it(case, level):
    with pytest.raises(ValidationError) as refused:
        assessment_record(case=case, kind="sins", components=SINS_11, user=scorer(), level=level)

    [message] = refused.value.message_dict["level"]
    assert f"'{level}' is not a spinal level" in message
    assert Assessment.objects.count() == 0


@pytest.mark.hazard("HAZ-001")
def test_it_refuses_a_score_based_on_a_scan_of_another_case(case):
    other_scan = ScanFactory(requested_at=NOW - dt.timedelta(days=1), performed=True)

    with pytest.raises(ValidationError) as refused:
        assessment_record(case=case, kind="sins", components=SINS_11, user=scorer(), level="T11", scan=other_scan)

    assert refused.value.message_dict["scan"] == ["That scan belongs to another case."]
    assert Assessment.objects.count() == 0


def test_it_refuses_a_score_dated_in_the_future(case):
    with pytest.raises(ValidationError) as refused:
        assessment_record(
            case=case,
            kind="tomita",
            components=TOMITA_3,
            user=scorer(),
            assessed_at=NOW + dt.timedelta(hours=1),
        )

    assert refused.value.message_dict["assessed_at"] == ["An assessment cannot be dated in the future."]
    assert Assessment.objects.count() == 0


def test_it_lets_only_a_user_with_the_permission_record_a_score(case):
    with pytest.raises(PermissionDenied):
        assessment_record(case=case, kind="sins", components=SINS_11, user=coordinator(), level="T11")
    with pytest.raises(PermissionDenied):
        assessment_record(case=case, kind="sins", components=SINS_11, user=clinician(), level="T11")

    assert Assessment.objects.count() == 0
