"""Recording scores (SINS, revised Tokuhashi, Tomita): the service, the clinicians' form and the admin pages."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from cases import scoring
from cases.choices import FrankelGrade, PrimarySite
from cases.models import Assessment, SinsAssessment, TokuhashiAssessment, TomitaAssessment
from cases.services import assessment_record
from mdt.models import Member
from tests.factories import (
    TOKUHASHI_11,
    AssessmentFactory,
    CaseFactory,
    PatientFactory,
    ScanFactory,
    UserFactory,
    clinician,
    coordinator,
)

pytestmark = pytest.mark.django_db

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


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def scorer(username: str = "oncologist"):
    """A clinician allowed to record scores (clinician() alone does not grant cases.add_assessment)."""
    user = clinician(username, Member.Role.ONCOLOGIST)
    user.user_permissions.add(Permission.objects.get(codename="add_assessment"))
    return user


@pytest.fixture
def case():
    return CaseFactory(patient=PatientFactory(primary_site=PrimarySite.BREAST))


@pytest.fixture
def scoring_client(client):
    client.force_login(scorer())
    return client


def form_url(case, kind: str, query: str = "") -> str:
    return reverse("assessment-new", args=[case.pk, kind]) + query


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


# --------------------------------------------------------------------------- the clinicians' form: saving


def sins_post(**overrides) -> dict[str, str]:
    return {"level": "T11", "scan": "", "assessed_at": "2026-06-10T11:30", "note": "", **SINS_11, **overrides}


def test_it_saves_a_posted_sins_and_returns_to_the_case_with_a_message(client, case):
    user = scorer()
    client.force_login(user)
    scan = ScanFactory(case=case, requested_at=NOW - dt.timedelta(days=1), performed=True)

    response = client.post(form_url(case, "sins"), sins_post(scan=str(scan.pk), note="Reviewed at the MDT"))

    assert response.status_code == 302
    assert response["Location"] == reverse("case-detail", args=[case.pk])
    saved = SinsAssessment.objects.get()
    assert (saved.case, saved.level, saved.total, saved.band, saved.complete) == (
        case,
        "T11",
        11,
        "potentially_unstable",
        True,
    )
    assert saved.assessed_by == user
    assert saved.scan == scan
    assert saved.assessed_at == dt.datetime(2026, 6, 10, 11, 30, tzinfo=LONDON)
    assert saved.note == "Reviewed at the MDT"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["SINS recorded (total 11)."]


def test_it_saves_a_posted_score_with_a_blank_component_as_incomplete(scoring_client, case):
    response = scoring_client.post(form_url(case, "sins"), sins_post(alignment=""))

    assert response.status_code == 302
    saved = SinsAssessment.objects.get()
    assert (saved.complete, saved.total) == (False, None)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["SINS recorded (incomplete)."]


def test_it_shows_the_form_again_with_the_error_on_a_component_value_not_in_the_table(scoring_client, case):
    response = scoring_client.post(form_url(case, "sins"), sins_post(bone_lesion="chalky"))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["bone_lesion"]
    assert Assessment.objects.count() == 0


@pytest.mark.parametrize(("typed", "message"), [("", "This field is required."), ("L6", "'L6' is not a spinal level")])
def test_it_shows_the_form_again_with_the_error_on_a_missing_or_unknown_level(scoring_client, case, typed, message):
    response = scoring_client.post(form_url(case, "sins"), sins_post(level=typed))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["level"]
    assert message in errors["level"][0]
    assert Assessment.objects.count() == 0


def test_it_refuses_a_posted_scan_of_another_case_on_the_scan_field(scoring_client, case):
    other_scan = ScanFactory(requested_at=NOW - dt.timedelta(days=1), performed=True)

    response = scoring_client.post(form_url(case, "sins"), sins_post(scan=str(other_scan.pk)))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["scan"]
    assert Assessment.objects.count() == 0


def test_it_answers_404_for_a_score_it_does_not_know(scoring_client, case):
    assert scoring_client.get(form_url(case, "frankel")).status_code == 404
    assert scoring_client.post(form_url(case, "frankel"), sins_post()).status_code == 404


def test_it_answers_404_for_a_case_that_does_not_exist(scoring_client):
    assert scoring_client.get(reverse("assessment-new", args=[987654, "sins"])).status_code == 404


def test_it_sends_an_anonymous_visitor_to_sign_in(client, case):
    url = form_url(case, "sins")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("who", ["coordinator", "clinician without the permission"])
def test_it_forbids_the_form_to_a_user_without_the_permission(client, case, who):
    client.force_login(coordinator() if who == "coordinator" else clinician())

    assert client.get(form_url(case, "sins")).status_code == 403
    assert client.post(form_url(case, "sins"), sins_post()).status_code == 403
    assert Assessment.objects.count() == 0


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
