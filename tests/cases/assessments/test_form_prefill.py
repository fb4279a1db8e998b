"""The clinicians' score form: what it fills in from the record and how it shows the options."""

import re

import pytest
from django.utils.html import escape

from cases.choices import FrankelGrade, PrimarySite
from tests.cases.assessments.helpers import form_url
from tests.factories import (
    CaseFactory,
    PatientFactory,
)

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- the clinicians' form: prefilled


def checked(html: str, name: str) -> list[str]:
    """The values of the radio buttons of `name` that are checked."""
    inputs = re.findall(rf'<input type="radio"[^>]*name="{name}"[^>]*>', html)
    return [re.search(r'value="([^"]*)"', tag).group(1) for tag in inputs if " checked" in tag]


def test_it_prefills_the_sins_location_from_the_level(scoring_client, case):
    response = scoring_client.get(form_url(case, "sins", "?level=T11"))

    assert response.status_code == 200
    assert response.context["form"].initial["location"] == "junctional"
    assert response.context["form"].initial["level"] == "T11"
    html = response.content.decode()
    assert checked(html, "location") == ["junctional"]
    assert "Location from the level T11." in html


@pytest.mark.parametrize("level", ["T13", "Coccyx"])
def test_it_leaves_the_sins_location_blank_for_a_level_it_cannot_place(scoring_client, case, level):
    response = scoring_client.get(form_url(case, "sins", f"?level={level}"))

    assert response.status_code == 200
    assert "location" not in response.context["form"].initial
    assert checked(response.content.decode(), "location") == []


def test_it_prefills_tokuhashi_from_frankel_karnofsky_and_the_primary(scoring_client):
    case = CaseFactory(
        patient=PatientFactory(primary_site=PrimarySite.BREAST), frankel_grade=FrankelGrade.C, karnofsky=60
    )

    response = scoring_client.get(form_url(case, "tokuhashi"))

    initial = response.context["form"].initial
    assert (initial["palsy"], initial["general_condition"], initial["primary_site"]) == ("incomplete", "moderate", "p5")
    html = response.content.decode()
    assert checked(html, "palsy") == ["incomplete"]
    assert checked(html, "general_condition") == ["moderate"]
    assert checked(html, "primary_site") == ["p5"]
    assert checked(html, "vertebral_body_mets") == []
    assert "Palsy from Frankel grade C." in html
    assert "General condition from Karnofsky 60%." in html
    assert "UNVERIFIED" not in html


@pytest.mark.hazard("HAZ-023")
def test_it_shows_the_unverified_note_when_it_suggests_the_colon_primary_site(scoring_client):
    case = CaseFactory(patient=PatientFactory(primary_site=PrimarySite.COLON))

    response = scoring_client.get(form_url(case, "tokuhashi"))

    assert response.context["form"].initial["primary_site"] == "p2"
    assert "palsy" not in response.context["form"].initial
    [note] = [note for note in response.context["notes"] if note.startswith("UNVERIFIED")]
    assert "colon is not named in the Tokuhashi table" in note
    assert escape(note) in response.content.decode()


@pytest.mark.hazard("HAZ-023")
@pytest.mark.parametrize(("primary", "growth"), [(PrimarySite.BREAST, ["slow"]), (PrimarySite.COLON, [])])
def test_it_prefills_the_tomita_growth_only_where_the_sources_classify_the_primary(scoring_client, primary, growth):
    case = CaseFactory(patient=PatientFactory(primary_site=primary))

    response = scoring_client.get(form_url(case, "tomita"))

    assert [response.context["form"].initial.get("primary_growth")] == (growth or [None])
    assert checked(response.content.decode(), "primary_growth") == growth


def test_it_shows_each_option_with_its_points_and_the_bands_for_the_running_total(scoring_client, case):
    html = scoring_client.get(form_url(case, "sins")).content.decode()

    assert "Lytic (2)" in html
    assert "Mixed lytic/blastic (1)" in html
    assert "Subluxation or translation present (4)" in html
    assert re.search(r'name="bone_lesion" value="lytic"[^>]*data-points="2"', html)
    assert re.search(r'name="alignment" value="subluxation_translation"[^>]*data-points="4"', html)
    assert "data-bands=" in html
    assert escape('"label": "Potentially unstable (indeterminate)"') in html
    components = "location,pain,bone_lesion,alignment,vertebral_body_collapse,posterolateral_involvement"
    assert f'data-components="{components}"' in html


def test_it_shows_no_level_box_on_the_tokuhashi_form(scoring_client, case):
    html = scoring_client.get(form_url(case, "tokuhashi")).content.decode()

    assert 'name="level"' not in html
    assert "Karnofsky 50–70% (1)" in html  # noqa: RUF001  (the en dash of the reference)
