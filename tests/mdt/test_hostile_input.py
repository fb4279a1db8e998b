"""Inputs that used to reach the database unchecked: NUL bytes, numbers past a bigint, huge text,
malformed admin addresses. Each gets a 4xx or a form error naming the field, never a 500, and
nothing is saved."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Patient
from core.paginators import after_id, page_number
from mdt.models import AgendaItem, Decision, Member
from mdt.services.decisions import DecisionInput, decision_record, signoff_respond
from tests.factories import AgendaItemFactory, MeetingFactory, PatientFactory, team_user

pytestmark = pytest.mark.django_db

HUGE = "9" * 25  # past the range of a 64-bit integer


@pytest.fixture
def oncologist():
    return team_user("oncologist", Member.Role.ONCOLOGIST)


@pytest.fixture
def surgeon():
    return team_user("surgeon", Member.Role.SPINAL_SURGEON)


@pytest.fixture
def coordinator():
    return team_user("coordinator", Member.Role.MDT_COORDINATOR)


def data(*users, rationale: str = "Radiosensitive primary, stable spine.") -> DecisionInput:
    return DecisionInput(
        treatments=["cebrt"],
        no_treatment=False,
        intent="palliative",
        rationale=rationale,
        patient_preferences_considered=True,
        responsible_member_ids=[user.member.pk for user in users],
    )


# --------------------------------------------------------------------------- NUL bytes


def test_a_nul_byte_in_the_withdraw_reason_is_refused_and_nothing_saved(client, oncologist):
    item = AgendaItemFactory(meeting=MeetingFactory(under_way=True))
    client.force_login(oncologist)

    response = client.post(
        reverse("item-decision", args=[item.meeting_id, item.pk]), {"action": "withdrawn", "reason": "a\x00b"}
    )

    assert response.status_code == 400
    assert AgendaItem.objects.get(pk=item.pk).status == AgendaItem.Status.LISTED


def test_a_nul_byte_in_the_amendment_reason_or_the_late_reason_is_refused(client, oncologist, coordinator):
    client.force_login(oncologist)
    assert client.post(reverse("decision-amend", args=[1]), {"amendment_reason": "\x00"}).status_code == 400
    client.force_login(coordinator)
    meeting = MeetingFactory()
    add = reverse("agenda-add", args=[meeting.pk])
    assert client.post(add, {"all_candidates": "1", "late_reason": "late\x00"}).status_code == 400
    assert client.get(reverse("admin:cases_patient_changelist"), {"q": "\x00"}).status_code == 400


# --------------------------------------------------------------------------- numbers past a bigint


@pytest.mark.parametrize("raw", [HUGE, "-5", "abc", "", None, "1.5", "2e3"])
def test_page_numbers_and_ids_out_of_range_start_the_list_from_the_top(raw):
    assert page_number(raw) == 1
    assert after_id(raw) is None
    assert page_number("0") == 1 and page_number("1000001") == 1_000_000 and page_number("7") == 7


def test_lists_with_a_page_past_a_bigint_answer(client, coordinator):
    client.force_login(coordinator)

    assert client.get(reverse("meeting-list"), {"page": HUGE}).status_code == 200
    assert client.get(reverse("patient-list"), {"after": HUGE}).status_code == 200
    assert client.get(reverse("scans-pending-review"), {"after": HUGE}).status_code == 200
    assert client.get(reverse("report-breaches", args=["mri_24h"]), {"page": HUGE}).status_code in (200, 400)


def test_ids_past_a_bigint_in_the_agenda_forms_are_form_errors(client, coordinator):
    client.force_login(coordinator)
    meeting = MeetingFactory(under_way=True)
    item = AgendaItemFactory(meeting=MeetingFactory())

    added = client.post(reverse("agenda-add", args=[item.meeting_id]), {"case_ids": [HUGE], "case_number": HUGE})
    present = client.post(reverse("meeting-attendance", args=[meeting.pk]), {"present": [HUGE]}, follow=True)

    assert added.status_code == 302 and present.status_code == 200
    assert "Present: Each choice must be a record number." in present.content.decode()
    assert not meeting.attendances.exists() and item.meeting.items.count() == 1


# --------------------------------------------------------------------------- free text too long


@pytest.mark.hazard("HAZ-013")
def test_a_rationale_past_its_maximum_is_refused_by_the_service_and_the_page(client, oncologist, surgeon):
    item = AgendaItemFactory(meeting=MeetingFactory(under_way=True))
    with pytest.raises(Exception, match="at most 5000 characters"):
        decision_record(item_id=item.pk, user=oncologist, data=data(oncologist, surgeon, rationale="x" * 5001))
    assert not Decision.objects.exists()

    client.force_login(oncologist)
    form = {
        "treatments": ["cebrt"], "intent": "palliative", "rationale": "x" * 2_400_000,
        "patient_preferences_considered": "yes", "responsible": [oncologist.member.pk, surgeon.member.pk],
        "fu-TOTAL_FORMS": "0", "fu-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = client.post(reverse("item-decision", args=[item.meeting_id, item.pk]), form)
    assert response.status_code == 200 and "at most 5000 characters" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_dissent_reason_past_its_maximum_is_refused(oncologist, surgeon):
    item = AgendaItemFactory(meeting=MeetingFactory(under_way=True))
    decision = decision_record(item_id=item.pk, user=oncologist, data=data(oncologist, surgeon))

    with pytest.raises(Exception, match="at most 2000 characters"):
        signoff_respond(decision_id=decision.pk, user=surgeon, agree=False, reason="y" * 2001)

    assert decision.signoffs.filter(response="pending").count() == 2


# --------------------------------------------------------------------------- the admin's history and autocomplete


@pytest.mark.parametrize(
    "path",
    [
        "admin/cases/patient/abc/history/",
        "admin/cases/patient/{pk}/history/abc/",
        "admin/cases/patient/{pk}/history/" + HUGE + "/",
        "admin/cases/patient/" + HUGE + "/history/",
        "admin/cases/patient/%00/history/",
        "admin/mdt/meeting/x/history/1/",
    ],
)
def test_the_admins_history_pages_answer_malformed_addresses_without_an_error(admin_client, path):
    patient = PatientFactory()

    response = admin_client.get("/" + path.format(pk=patient.pk))

    assert response.status_code in (302, 404)


@pytest.mark.parametrize(
    "query",
    [
        {"app_label": "cases", "model_name": "case", "field_name": "patient", "term": "x", "page": HUGE},
        {"app_label": "cases", "model_name": "case", "field_name": "patient", "term": "x", "page": "abc"},
        {"app_label": "cases", "model_name": "case", "field_name": "patient", "term": "9" * 5000},
        {"app_label": "cases", "model_name": "case", "field_name": "nope", "term": "x"},
        {"app_label": "nope", "model_name": "case", "field_name": "patient"},
        {"app_label": "cases", "model_name": "scan", "field_name": "case", "term": HUGE},
        {"app_label": "mdt", "model_name": "agendaitem", "field_name": "meeting", "term": "2026-13-45"},
    ],
)
def test_the_admins_autocomplete_answers_malformed_queries_without_an_error(admin_client, query):
    PatientFactory()

    response = admin_client.get(reverse("admin:autocomplete"), query)

    assert response.status_code < 500


# --------------------------------------------------------------------------- no other write is affected


def test_a_normal_decision_still_saves(oncologist, surgeon):
    item = AgendaItemFactory(meeting=MeetingFactory(under_way=True))

    decision = decision_record(item_id=item.pk, user=oncologist, data=data(oncologist, surgeon, rationale="x" * 5000))

    assert len(decision.rationale) == 5000
    assert Patient.objects.count() == 1
    assert item.meeting.starts_at < timezone.now() + dt.timedelta(minutes=1)


@pytest.mark.hazard("HAZ-046")
@pytest.mark.parametrize("who", ["read_only", "coordinator", "superuser"])
def test_nobody_rewrites_a_record_from_its_history_page(client, who, admin_user):
    from tests.factories import coordinator_user, read_only_user

    user = {"read_only": read_only_user, "coordinator": coordinator_user}.get(who, lambda: admin_user)()
    patient = PatientFactory(family_name="Original")
    first = patient.history.get().history_id
    patient.family_name = "Corrected"
    patient.save()
    client.force_login(user)
    url = reverse("admin:cases_patient_simple_history", args=[patient.pk, first])
    assert client.get(url).status_code == 200  # history stays readable

    response = client.post(url, {"mrn": patient.mrn, "family_name": "Original", "given_name": "X"})

    assert response.status_code == 403
    patient.refresh_from_db()
    assert patient.family_name == "Corrected" and patient.history.count() == 2


@pytest.mark.hazard("HAZ-046")
def test_every_admin_with_history_has_the_read_only_history_pages():
    # A model admin built on simple-history's own class would offer "revert to this version" again.
    from django.contrib import admin
    from simple_history.admin import SimpleHistoryAdmin

    from core.admin import SafeHistoryAdmin

    plain = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin) and not isinstance(model_admin, SafeHistoryAdmin)
    ]
    assert plain == [], "use core.admin.SafeHistoryAdmin for these"


# Machine-written text, never typed by a person: the PAS feed's messages, what it made of them and the
# values it sent, and Django's session data.
MACHINE_TEXT = {
    "integrations.FeedMessage.raw",
    "integrations.FeedMessage.outcome",
    "integrations.FeedFieldValue.value",
    "integrations.FeedConflict.record_value",
    "integrations.FeedConflict.feed_value",
    "sessions.Session.session_data",
}


@pytest.mark.hazard("HAZ-013")
def test_every_free_text_field_a_person_types_into_has_a_maximum_every_path_checks():
    # LimitedTextField validates its maximum on the model (full_clean), not only in the forms.
    from django.apps import apps
    from django.db import models

    from core.fields import LimitedTextField

    unlimited = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if not model.__name__.startswith("Historical") and model._meta.app_label not in ("admin", "auth")
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and not isinstance(field, LimitedTextField)
    ]
    assert sorted(set(unlimited) - MACHINE_TEXT) == []
