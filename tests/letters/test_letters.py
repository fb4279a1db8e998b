"""The patient's letter: drafted in plain words from the decision, edited, released only after
sign-off to the patient's own address, with the safety-netting box whatever the edit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from letters import services
from letters.models import FormatTask, PatientLetter
from letters.plain_texts import NO_TREATMENT, TREATMENTS
from mdt.models import Decision, Member, Treatment
from tests.factories import coordinator_user, read_only_user, team_user
from tests.letters.makers import ADDRESS, decision_at_meeting, letter_for, needs, oncologist

pytestmark = pytest.mark.django_db

WARNING_SIGN = "Numbness, tingling or pins and needles in your arms, legs, bottom or between your legs."
PHONE = "01632 960123"


@pytest.fixture(autouse=True)
def service(settings):
    settings.PATIENT_SAFETY_NET_PHONE = PHONE
    settings.PATIENT_SAFETY_NET_NAME = "the MSCC coordinator"
    settings.MDT_SERVICE_NAME = "South Wales Spinal Metastases MDT"
    settings.MDT_SERVICE_PHONE = "029 2074 0000"


@pytest.fixture
def onc():
    return oncologist()


def released(letter: PatientLetter, user) -> PatientLetter:
    return services.letter_release(letter_id=letter.pk, user=user, loaded_version=letter.version)


def test_every_treatment_the_mdt_can_choose_has_a_plain_explanation():
    assert set(Treatment.values) == set(TREATMENTS)


def test_the_draft_explains_each_treatment_chosen_what_happens_next_and_who_to_call(onc):
    decision = decision_at_meeting(onc, ["cebrt", "steroids"], given_name="Alys", family_name="Griffiths")

    body = letter_for(decision, onc).body

    assert body.startswith("Dear Alys Griffiths,")
    for key in ("cebrt", "steroids"):
        heading, text = TREATMENTS[key]
        assert f"## {heading}" in body and text in body
    assert TREATMENTS["surgery_decompression"][1] not in body
    assert "# What happens next" in body and "# Who to contact" in body and "029 2074 0000" in body


def test_a_decision_of_no_active_treatment_says_so_in_plain_words(onc):
    decision = decision_at_meeting(onc, [])
    Decision.objects.filter(pk=decision.pk).update(no_treatment=True)
    decision.refresh_from_db()

    assert NO_TREATMENT[1] in letter_for(decision, onc).body


def test_the_draft_is_large_print_when_the_patient_needs_it_and_one_letter_per_decision(onc):
    decision = decision_at_meeting(onc)
    needs(decision.case.patient, large_print=True)

    letter = letter_for(decision, onc)

    assert letter.print_format == PatientLetter.Format.LARGE
    assert letter_for(decision, onc).pk == letter.pk


def test_an_edit_is_kept_with_its_author_in_the_history_and_a_stale_edit_is_refused(onc):
    letter = letter_for(decision_at_meeting(onc), onc)
    nurse = team_user("nurse", Member.Role.NURSE_SPECIALIST)
    opened_at = letter.version

    services.letter_edit(
        letter_id=letter.pk, user=nurse, body="Dear Alys,\n\nNew text.", print_format="large", loaded_version=opened_at
    )

    letter.refresh_from_db()
    assert letter.body == "Dear Alys,\n\nNew text." and letter.print_format == "large"
    assert letter.history.first().history_user == nurse
    with pytest.raises(ValidationError, match="changed while you had it open"):
        services.letter_edit(
            letter_id=letter.pk, user=onc, body="Mine", print_format="standard", loaded_version=opened_at
        )


@pytest.mark.hazard("HAZ-002")
def test_a_letter_edit_or_release_posted_without_its_version_is_refused_and_changes_nothing(client, onc):
    decision = decision_at_meeting(onc)
    needs(decision.case.patient)
    letter = letter_for(decision, onc)
    client.force_login(onc)

    edited = client.post(reverse("letters:letter", args=[letter.pk]), {"body": "Other", "print_format": "large"})
    release = client.post(reverse("letters:release", args=[letter.pk]), {}, follow=True)

    missing = "did not send the version of the record it was opened at"
    assert edited.status_code == 200 and missing in edited.content.decode()
    assert "Not released: This page did not send the version" in release.content.decode()
    saved = PatientLetter.objects.get(pk=letter.pk)
    assert (saved.body, saved.print_format, saved.version) == (letter.body, letter.print_format, letter.version)
    assert saved.status == PatientLetter.Status.DRAFT and saved.released_at is None


def test_an_empty_letter_is_refused_on_the_text_field_not_with_a_500(client, onc):
    letter = letter_for(decision_at_meeting(onc), onc)
    client.force_login(onc)

    response = client.post(
        reverse("letters:letter", args=[letter.pk]),
        {"body": "  ", "print_format": "standard", "loaded_version": letter.version},
    )

    assert response.status_code == 200
    assert "The letter needs its text" in response.content.decode()
    letter.refresh_from_db()
    assert letter.body.startswith("Dear")


@pytest.mark.hazard("HAZ-102")
def test_a_letter_is_not_released_before_the_decision_is_signed_off(client, onc):
    decision = decision_at_meeting(onc, signed=False)
    needs(decision.case.patient)
    letter = letter_for(decision, onc)
    client.force_login(onc)

    page = client.get(reverse("letters:letter", args=[letter.pk])).content.decode()
    response = client.post(
        reverse("letters:release", args=[letter.pk]), {"loaded_version": letter.version}, follow=True
    )

    assert "The decision is not signed off yet" in page and "Release the letter" not in page
    assert "Not released: The decision is not signed off yet" in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == PatientLetter.Status.DRAFT and letter.released_at is None


@pytest.mark.hazard("HAZ-102")
def test_the_letter_of_an_amended_decision_is_not_released(onc):
    decision = decision_at_meeting(onc)
    needs(decision.case.patient)
    letter = letter_for(decision, onc)
    Decision.objects.filter(pk=decision.pk).update(status=Decision.Status.SUPERSEDED)

    with pytest.raises(ValidationError, match="The decision was amended"):
        released(letter, onc)


@pytest.mark.hazard("HAZ-102")
def test_only_a_clinician_who_signs_decisions_releases_a_letter(onc):
    decision = decision_at_meeting(onc)
    needs(decision.case.patient)
    letter = letter_for(decision, onc)

    with pytest.raises(PermissionDenied):
        released(letter, coordinator_user("coord2"))


@pytest.mark.hazard("HAZ-102")
def test_release_after_sign_off_records_who_when_to_whom_and_the_copies(onc):
    decision = decision_at_meeting(onc, given_name="Alys", family_name="Griffiths")
    needs(decision.case.patient, copy_to_carer=True, carer_name="Rhys Griffiths", carer_address="1 Stryd Fawr")
    letter = released(letter_for(decision, onc), onc)

    assert letter.status == PatientLetter.Status.RELEASED and letter.released_by == onc and letter.released_at
    assert letter.released_to == f"Alys Griffiths\n{ADDRESS}"
    assert (
        "GP: Dr A. Pritchard, Canton Surgery" in letter.copies_to and "Riverside General Hospital" in letter.copies_to
    )
    assert "Carer or advocate: Rhys Griffiths" in letter.copies_to
    assert letter.reading_grade is not None
    assert letter.history.first().history_user == onc
    with pytest.raises(ValidationError, match="released"):
        services.letter_edit(letter_id=letter.pk, user=onc, body="Later", print_format="standard", loaded_version=None)


@pytest.mark.hazard("HAZ-100")
def test_the_letter_names_and_addresses_its_own_patient_and_no_other(client, onc):
    mine = decision_at_meeting(onc, given_name="Alys", family_name="Griffiths", mrn="RX1001")
    other = decision_at_meeting(onc, given_name="Sian", family_name="Bowen", mrn="RX2002")
    needs(mine.case.patient, address="12 Heol y Felin\nCardiff")
    needs(other.case.patient, address="7 Ffordd y Bont\nSwansea")
    letter = letter_for(mine, onc)
    letter_for(other, onc)
    client.force_login(onc)

    html = client.get(reverse("letters:html", args=[letter.pk])).content.decode()

    assert "Alys Griffiths" in html and "12 Heol y Felin" in html and "RX1001" in html
    assert mine.case.patient.nhs_number_display in html
    assert "Bowen" not in html and "Swansea" not in html and "RX2002" not in html


@pytest.mark.hazard("HAZ-100")
def test_a_letter_without_an_address_is_not_released(onc):
    decision = decision_at_meeting(onc)
    letter = letter_for(decision, onc)

    with pytest.raises(ValidationError, match="No address for the patient's letters"):
        released(letter, onc)


@pytest.mark.hazard("HAZ-100")
def test_the_released_letter_keeps_the_address_it_went_to_when_the_address_changes_later(client, onc):
    decision = decision_at_meeting(onc, given_name="Alys", family_name="Griffiths")
    needs(decision.case.patient)
    letter = released(letter_for(decision, onc), onc)
    needs(decision.case.patient, address="99 New Road\nNewport")
    client.force_login(onc)

    html = client.get(reverse("letters:html", args=[letter.pk])).content.decode()

    assert "12 Heol y Felin" in html and "New Road" not in html


@pytest.mark.hazard("HAZ-104")
def test_no_letter_is_released_to_a_patient_who_has_died(onc):
    decision = decision_at_meeting(onc)
    needs(decision.case.patient)
    letter = letter_for(decision, onc)
    type(decision.case.patient).objects.filter(pk=decision.case.patient_id).update(died_on=dt.date.today())

    with pytest.raises(ValidationError, match="The patient died on"):
        released(letter, onc)


@pytest.mark.hazard("HAZ-101")
def test_the_letter_is_not_released_while_the_24_hour_number_is_not_configured(settings, onc):
    settings.PATIENT_SAFETY_NET_PHONE = ""
    decision = decision_at_meeting(onc)
    needs(decision.case.patient)

    with pytest.raises(ValidationError, match="24-hour number is not configured"):
        released(letter_for(decision, onc), onc)


@pytest.fixture
def draft(onc):
    return letter_for(decision_at_meeting(onc), onc)


# Text a person can type: no null character and no lone surrogate (each refused on the field, tested below).
TYPED = st.characters(exclude_characters="\x00", exclude_categories=["Cs"])


@pytest.mark.hazard("HAZ-101")
@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(alphabet=TYPED, min_size=1, max_size=300).filter(str.strip))
def test_whatever_the_edit_the_safety_box_is_printed_once_with_the_signs_and_the_number(client, onc, draft, body):
    draft.refresh_from_db()  # the examples share the draft: each edits the version the last one saved
    services.letter_edit(letter_id=draft.pk, user=onc, body=body, print_format="standard", loaded_version=draft.version)
    client.force_login(onc)

    html = client.get(reverse("letters:html", args=[draft.pk])).content.decode()

    assert html.count("data-safety-net") == 1
    assert WARNING_SIGN in html and PHONE in html


@pytest.mark.parametrize(
    ("body", "said"), [("Dear\x00", "null character"), ("Dear \ud800", "broken character")], ids=["NUL", "surrogate"]
)
def test_a_text_with_a_character_no_database_holds_is_refused_on_the_field(onc, draft, body, said):
    before = draft.body
    with pytest.raises(ValidationError) as refused:
        services.letter_edit(
            letter_id=draft.pk, user=onc, body=body, print_format="standard", loaded_version=draft.version
        )

    assert said in " ".join(refused.value.message_dict["body"])
    draft.refresh_from_db()
    assert draft.body == before


@pytest.mark.hazard("HAZ-101")
def test_an_edit_that_tries_to_close_the_box_or_hide_it_is_printed_as_text(client, onc):
    letter = letter_for(decision_at_meeting(onc), onc)
    hostile = "</section><style>.safety-net{display:none}</style><!-- Dear"
    services.letter_edit(
        letter_id=letter.pk, user=onc, body=hostile, print_format="standard", loaded_version=letter.version
    )
    client.force_login(onc)

    html = client.get(reverse("letters:html", args=[letter.pk])).content.decode()

    assert "&lt;/section&gt;&lt;style&gt;" in html and "<style>.safety-net" not in html
    assert html.index("data-safety-net") < html.index("&lt;/section&gt;")


def test_formats_the_app_does_not_make_become_tasks_for_the_coordinators(client, onc):
    decision = decision_at_meeting(onc)
    needs(decision.case.patient, braille=True, easy_read=True, interpreter=True, language="Welsh")
    letter = released(letter_for(decision, onc), onc)
    coordinator = coordinator_user("coord3")
    client.force_login(coordinator)

    listed = client.get(reverse("letters:list")).content.decode()
    task = letter.format_tasks.get(need=FormatTask.Need.BRAILLE)
    client.post(reverse("letters:task-done", args=[task.pk]))

    assert {t.need for t in letter.format_tasks.all()} == {"braille", "easy_read", "interpreter"}
    assert "Braille" in listed and "Easy read" in listed and "(Welsh)" in listed
    task.refresh_from_db()
    assert task.done_by == coordinator and task.done_at is not None
    with pytest.raises(PermissionDenied):
        services.format_task_done(task_id=letter.format_tasks.get(need="easy_read").pk, user=onc)


def test_the_clinician_sees_the_edited_letters_reading_level_against_the_target(client, onc):
    letter = letter_for(decision_at_meeting(onc), onc)
    hard = (
        "Notwithstanding the multidisciplinary considerations, stereotactic radiotherapeutic intervention "
        "necessitates comprehensive preoperative optimisation and interdisciplinary consultation."
    )
    services.letter_edit(
        letter_id=letter.pk, user=onc, body=hard, print_format="standard", loaded_version=letter.version
    )
    client.force_login(onc)

    page = client.get(reverse("letters:letter", args=[letter.pk])).content.decode()

    assert "Reading level of the text below" in page and "Above the target" in page
    assert "Please, write to me" in page  # the target's source


def test_the_case_page_offers_the_letter_for_each_decision(client, onc):
    decision = decision_at_meeting(onc)
    client.force_login(onc)

    page = client.get(reverse("case-detail", args=[decision.case_id])).content.decode()
    response = client.post(reverse("letters:start", args=[decision.pk]))

    assert "Letters to the patient" in page and "Write the patient's letter" in page
    letter = PatientLetter.objects.get(decision=decision)
    assert response["Location"] == letter.get_absolute_url()


def test_someone_outside_the_team_cannot_start_a_letter(client, onc):
    decision = decision_at_meeting(onc)
    client.force_login(read_only_user("aud"))

    assert client.post(reverse("letters:start", args=[decision.pk])).status_code == 403
    assert not PatientLetter.objects.exists()


def test_the_letters_list_runs_the_same_queries_for_2_or_6_more_letters(client, onc):
    client.force_login(coordinator_user("lister"))

    def list_queries(count: int) -> int:
        for _ in range(count):
            decision = decision_at_meeting(onc)
            needs(decision.case.patient, braille=True, large_print=True)
            released(letter_for(decision, onc), onc)
            letter_for(decision_at_meeting(onc), onc)  # a draft
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("letters:list")).content.decode()
        assert page.count("format-task") >= count
        return len(queries)

    assert list_queries(2) == list_queries(4)  # 2, then 6 letters of each kind


@pytest.mark.hazard("HAZ-101")
def test_the_deployment_check_warns_while_the_24_hour_number_is_not_set(settings):
    from letters.checks import safety_net_phone_configured

    settings.PATIENT_SAFETY_NET_PHONE = ""
    assert [w.id for w in safety_net_phone_configured()] == ["letters.W001"]
    settings.PATIENT_SAFETY_NET_PHONE = PHONE
    assert safety_net_phone_configured() == []
