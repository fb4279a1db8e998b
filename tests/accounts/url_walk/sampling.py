"""The walk's world (one of everything around a canary patient) and the concrete address of every URL pattern."""

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from accounts.models import AccessRecord, SignInRecord
from cases.models import CommunicationNeeds, Patient
from cases.models.assessments import CURRENT_VERSION, ScoreKind
from integrations.models import ApiClient, FeedConflict, FeedMessage
from integrations.services import api_client_issue
from letters.models import FormatTask, PatientLetter
from live.models import Trial
from mdt.models import (
    AgendaItem,
    Attendance,
    Decision,
    FollowUp,
    Meeting,
    Member,
    PeriodicRun,
    PrintedDocument,
    SignOff,
)
from referrals.choices import Status
from referrals.models import DutyShift, Referral
from reminders.models import Reminder
from signin.models import Passkey, ProviderIdentity, SecondFactorReset, TotpDevice
from tests import factories
from tests.accounts.url_walk.rules import (
    CANARY_FAMILY,
    CANARY_GIVEN,
    ROLE_MAKERS,
    Route,
    Unclassified,
    admin_model,
)
from tests.factories import AssessmentFactory, CaseFactory, PatientFactory, ScanFactory, coordinator_user
from tests.referrals import makers as referral_makers


@pytest.fixture
def world() -> dict[str, Any]:
    """One of everything, around a canary patient whose name must never reach an anonymous visitor."""
    patient = PatientFactory(given_name=CANARY_GIVEN, family_name=CANARY_FAMILY)
    case = CaseFactory(patient=patient, mdt_question=f"Is {CANARY_FAMILY} fit for surgery?")
    scan = ScanFactory(case=case, performed=True)
    assessment = AssessmentFactory(case=case)  # a complete SINS
    for kind in set(ScoreKind.values) - {ScoreKind.SINS}:
        AssessmentFactory(
            case=case, kind=kind, version=CURRENT_VERSION[kind], components={}, total=None, complete=False
        )
    users = {who: make() for who, make in ROLE_MAKERS.items()}
    chair = coordinator_user("chair")
    meeting = make(
        "MeetingFactory",
        lambda: Meeting.objects.create(
            starts_at=timezone.now() + timezone.timedelta(days=3),
            ends_at=timezone.now() + timezone.timedelta(days=3, hours=1),
            agenda_closes_at=timezone.now() + timezone.timedelta(days=2),
        ),
    )
    item = AgendaItem.objects.create(meeting=meeting, case=case)  # on the world's meeting: nested URLs need both
    make("AttendanceFactory", lambda: Attendance.objects.create(meeting=meeting, member=chair.member))
    decision = Decision.objects.create(
        case=case, agenda_item=item, treatments=["cebrt"], intent="palliative", rationale="Walk", recorded_by=chair
    )
    follow_up = FollowUp.objects.create(
        case=case, decision=decision, kind="repeat_mri", due_on=timezone.localdate(), owner=chair.member
    )
    leaver = factories.team_user("walk_leaver", Member.Role.SPINAL_SURGEON)  # named to sign, then left the team
    Member.objects.filter(user=leaver).update(active=False)
    signoff = SignOff.objects.create(decision=decision, member=leaver.member)
    PeriodicRun.objects.create(name="heartbeat", last_run_at=timezone.now())
    PeriodicRun.objects.create(name="print-heartbeat", last_run_at=timezone.now())
    reminder = Reminder.objects.create(
        kind=Reminder.Kind.MRI_REVIEW,
        recipient=users["clinician"],
        scan=scan,
        case=case,
        due_at=timezone.now(),
        dedupe_key=f"mri-review:{scan.pk}:{users['clinician'].pk}:0",
    )
    AccessRecord.objects.create(user=users["clinician"], patient_id=patient.pk, kind="patient_page")
    # The referrer's organisation's referral, advised on and accepted into the world's case, whose
    # signed decision is the outcome letter the referrer may open.
    referral = referral_makers.advised(referral_makers.submitted(users["referrer"]), by=chair)
    Referral.objects.filter(pk=referral.pk).update(status=Status.ACCEPTED, case=case, accepted_at=timezone.now())
    signed = Decision.objects.create(
        case=case,
        urgent=True,
        treatments=["cebrt"],
        intent="palliative",
        rationale="Walk",
        recorded_by=chair,
        status="signed",
    )
    DutyShift.objects.create(
        coordinator=chair, starts_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(hours=12)
    )
    SignInRecord.objects.create(user=users["clinician"], event="signed_in", method="password_totp")
    TotpDevice.objects.create(user=chair, secret="JBSWY3DPEHPK3PXP", confirmed=True)
    Passkey.objects.create(user=chair, credential_id="walk-credential", public_key=b"k")
    ProviderIdentity.objects.create(user=chair, issuer="https://idp.example", subject="walk")
    SecondFactorReset.objects.create(user=chair, performed_by=chair, reason="walk")
    api_client_issue(client=ApiClient(name="warehouse", scopes=["Patient"]))
    feed_message = FeedMessage.objects.create(raw="MSH|^~\\&|PAS", status="applied", ack_code="AA", patient=patient)
    FeedConflict.objects.create(
        model="cases.patient", object_id=patient.pk, patient=patient, field="family_name",
        record_value=CANARY_FAMILY, feed_value="Other", message=feed_message,
    )  # fmt: skip
    Trial.objects.create(name="Walk trial")  # the workspace's list of open trials
    document = PrintedDocument.objects.create(kind=PrintedDocument.Kind.AGENDA, object_id=meeting.pk, digest="0" * 64)
    letter = PatientLetter.objects.create(
        decision=signed, patient=signed.case.patient, body=f"Dear {CANARY_GIVEN},", created_by=chair
    )
    CommunicationNeeds.objects.create(patient=patient, large_print=True, recorded_by=chair)
    task = FormatTask.objects.create(letter=letter, need=FormatTask.Need.BRAILLE)
    return {
        "referral": referral,
        "signed_decision": signed,
        "patient": patient,
        "case": case,
        "scan": scan,
        "meeting": meeting,
        "item": item,
        "decision": decision,
        "signoff": signoff,
        "follow_up": follow_up,
        "reminder": reminder,
        "document": document,
        "assessment": assessment,
        "letter": letter,
        "task": task,
        "users": users,
    }


def make(factory_name: str, fallback: Callable[[], models.Model]) -> Any:
    """The shared factory when tests/factories.py has one, else a plain create."""
    factory = getattr(factories, factory_name, None)
    return factory() if factory else fallback()


def admin_object(label: str) -> models.Model:
    model = next(m for m in admin.site._registry if m._meta.label_lower == label)
    found = model._default_manager.order_by("pk").first()
    if found is None:
        raise Unclassified(
            f"no {label} to open in the admin: create one in the world fixture of tests/accounts/url_walk/sampling.py"
        )
    return found


def sample(name: str, route: Route, world: dict[str, Any]) -> str:
    if route.template.startswith("admin/r/"):
        patient = world["patient"]
        return str({"content_type_id": ContentType.objects.get_for_model(Patient).pk, "object_id": patient.pk}[name])
    if route.template.startswith("admin/auth/user/<id>"):
        return str(world["users"]["clinician"].pk)
    if name == "resource_id":
        return fhir_id(route.template.split("/")[1], world)
    if name == "object_id" and re.match(r"admin/\w+/\w+/", route.template):
        return str(admin_object(admin_model(route)).pk)
    if name == "decision_id" and route.template.startswith("refer"):
        return str(world["signed_decision"].pk)
    values = {
        "referral_id": world["referral"].pk,
        "advice_id": world["referral"].advice.get().pk,
        "step": "patient",
        "uidb64": "MQ",
        "token": "not-a-token",
        "patient_id": world["patient"].pk,
        "case_id": world["case"].pk,
        "scan_id": world["scan"].pk,
        "meeting_id": world["meeting"].pk,
        "item_id": world["item"].pk,
        "decision_id": world["decision"].pk,
        "signoff_id": world["signoff"].pk,
        "follow_up_id": world["follow_up"].pk,
        "reminder_id": world["reminder"].pk,
        "document_id": world["document"].pk,
        "letter_id": world["letter"].pk,
        "task_id": world["task"].pk,
        "kind": ScoreKind.SINS,
        "measure": "mri_24h",
        "year": 2026,
        "month": 11,
    }
    if name not in values:
        raise Unclassified(
            f"no sample value for <{name}> in {route}: add one to sample() in tests/accounts/url_walk/sampling.py"
        )
    return str(values[name])


def fhir_id(resource_type: str, world: dict[str, Any]) -> str:
    ids = {
        "Patient": world["patient"].pk,
        "Condition": f"metastases-{world['case'].pk}",
        "ImagingStudy": world["scan"].pk,
        "Observation": f"score-{world['assessment'].pk}",
        "CarePlan": world["decision"].pk,
        "Encounter": world["item"].pk,
    }
    if resource_type not in ids:
        raise Unclassified(
            f"no sample id for FHIR {resource_type}: add one to fhir_id() in tests/accounts/url_walk/sampling.py"
        )
    return str(ids[resource_type])


def urls_of(route: Route, world: dict[str, Any]) -> list[str]:
    """The concrete addresses to request for a route (several for the admin's app index)."""
    prefixes = ["/"]
    for part in route.parts:
        text = str(part)
        if not text.startswith("^") and "(?P<url>" not in text:  # a path() route: fill its <converters>
            filled = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: sample(m[1], route, world), text)
            prefixes = [p + filled for p in prefixes]
        elif text == r"^([^/]+)/history/([^/]+)/$":
            obj = admin_object(admin_model(route))
            concrete = obj._meta.concrete_model._default_manager.get(pk=obj.pk)  # proxies have no history manager
            history_id = concrete.history.order_by("-history_id").values_list("history_id", flat=True).first()
            prefixes = [f"{p}{obj.pk}/history/{history_id}/" for p in prefixes]
        elif match := re.fullmatch(r"\^\(\?P<app_label>([\w|]+)\)/\$", text):
            prefixes = [f"{p}{label}/" for p in prefixes for label in match[1].split("|")]
        elif "(?P<url>" in text:
            prefixes = [p + "no-such-page/" for p in prefixes]
        else:
            raise Unclassified(
                f"regular-expression URL pattern {route}: teach urls_of() in tests/accounts/url_walk/sampling.py "
                "to fill it"
            )
    return prefixes
