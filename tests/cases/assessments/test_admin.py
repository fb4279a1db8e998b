"""Scores in the coordinators' workspace (Django admin)."""

import pytest
from django.urls import reverse

from cases import scoring
from cases.models import Assessment, SinsAssessment, TokuhashiAssessment, TomitaAssessment
from tests.admin_forms import admin_post_data
from tests.cases.assessments.helpers import SINS_11, TOMITA_3, scorer
from tests.factories import (
    TOKUHASHI_11,
    AssessmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- the coordinators' workspace (admin)


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="admin", is_superuser=True, is_staff=True))
    return client


def admin_sins_post(case, assessed_by, **overrides) -> dict[str, str]:
    """The SINS admin add form as a browser posts it (assessed_at is split into date and time boxes)."""
    return {
        "case": str(case.pk),
        "level": "T11",
        "scan": "",
        **SINS_11,
        "assessed_by": str(assessed_by.pk),
        "assessed_at_0": "10/06/2026",
        "assessed_at_1": "11:30:00",
        "note": "",
        **overrides,
    }


def test_it_renders_the_sins_admin_add_form_with_a_field_per_component(superuser_client):
    response = superuser_client.get(reverse("admin:cases_sinsassessment_add"))

    assert response.status_code == 200
    html = response.content.decode()
    for name in ["case", "level", "scan", *scoring.SINS.components, "assessed_by", "assessed_at_0", "note"]:
        assert f'name="{name}"' in html, name
    assert "data-bands=" in html


def test_it_saves_a_sins_from_the_admin_with_the_computed_total_and_band(superuser_client, case):
    oncologist = scorer()

    response = superuser_client.post(reverse("admin:cases_sinsassessment_add"), admin_sins_post(case, oncologist))

    assert response.status_code == 302
    saved = SinsAssessment.objects.get()
    assert (saved.kind, saved.version, saved.level) == ("sins", "sins_2010", "T11")
    assert (saved.total, saved.band, saved.complete) == (11, "potentially_unstable", True)
    assert saved.components == SINS_11
    assert saved.assessed_by == oncologist


@pytest.mark.parametrize("level", ["T13", ""])
def test_it_refuses_a_bad_level_in_the_admin_on_the_level_field(superuser_client, case, level):
    response = superuser_client.post(
        reverse("admin:cases_sinsassessment_add"), admin_sins_post(case, scorer(), level=level)
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["level"]
    assert Assessment.objects.count() == 0


def test_it_lists_only_sins_rows_on_the_sins_admin_page(superuser_client, case):
    sins = AssessmentFactory(case=case)
    AssessmentFactory(
        case=case, kind="tokuhashi", version="tokuhashi_revised_2005", level="", components=TOKUHASHI_11, total=11
    )
    AssessmentFactory(
        case=case,
        kind="tomita",
        version="tomita_2001",
        level="",
        components=TOMITA_3,
        total=3,
        band="long_term_local_control",
    )

    response = superuser_client.get(reverse("admin:cases_sinsassessment_changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [sins]
    assert SinsAssessment.objects.count() == 1
    assert TokuhashiAssessment.objects.count() == 1
    assert TomitaAssessment.objects.count() == 1


@pytest.mark.hazard("HAZ-005")
def test_a_score_changed_or_deleted_in_the_workspace_is_in_its_history_naming_who(superuser_client, case):
    score = AssessmentFactory(case=case, note="")
    url = reverse("admin:cases_sinsassessment_change", args=[score.pk])

    assert superuser_client.post(url, admin_post_data(superuser_client.get(url), note="Rechecked")).status_code == 302
    superuser_client.post(reverse("admin:cases_sinsassessment_delete", args=[score.pk]), {"post": "yes"})

    rows = Assessment.history.filter(id=score.pk).order_by("history_id")
    assert [(row.history_type, row.note) for row in rows] == [("+", ""), ("~", "Rechecked"), ("-", "Rechecked")]
    assert {row.history_user.username for row in rows[1:]} == {"admin"}
