"""Every URL of the site, generated from the URL configuration, for every kind of user.

The walk reads `get_resolver()` recursively, so a page added later is walked too. Each URL
pattern must match a rule in RULES (or, for the admin, ADMIN_ACTIONS and ACCESS); one that
does not fails `test_every_url_pattern_is_classified` with a message saying where to add it.

- Anonymous: every URL redirects to a sign-in page, is a 404, or is explicitly public, and
  no response contains the canary patient's name.
- Each role (and a signed-in user with no role) gets the status its family expects, and
  every response to a signed-in user says `Cache-Control: no-store`.
- A referrer (a clinician at a referring hospital) gets 403 from every URL outside the referrer
  pages (`refer/...`) except public pages, signing out and the second-factor pages, and sees their
  organisation's referral.
- Without a CSRF token, a POST to any URL is refused with 403.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path
from django.utils import timezone

from accounts.models import AccessRecord, SignInRecord
from cases.models import Patient
from cases.models.assessments import CURRENT_VERSION, ScoreKind
from integrations.models import ApiClient, FeedConflict, FeedMessage
from integrations.services import api_client_issue
from letters.models import FormatTask, PatientLetter
from live.models import Trial
from mdt.models import AgendaItem, Attendance, Decision, FollowUp, Meeting, PeriodicRun, PrintedDocument
from referrals.choices import Status
from referrals.models import DutyShift, Referral
from reminders.models import Reminder
from signin.models import Passkey, ProviderIdentity, SecondFactorReset, TotpDevice
from tests import factories
from tests.factories import AssessmentFactory, CaseFactory, PatientFactory, ScanFactory, coordinator_user
from tests.referrals import makers as referral_makers

pytestmark = pytest.mark.django_db

CANARY_GIVEN, CANARY_FAMILY = "Zephyrine", "Canarybird"
ANONYMOUS = "anonymous"
ROLE_MAKERS = {**factories.ROLE_MAKERS, "referrer": referral_makers.referrer_user}
ROLES = list(ROLE_MAKERS)  # coordinator, clinician, read_only, no_role, referrer
STAFF = {"coordinator", "read_only"}  # assign_role / assign_read_only make these staff
SIGN_IN_PAGES = ("/accounts/login/", "/admin/login/")

# URL families. Every URL pattern belongs to exactly one, by the first matching rule.
PUBLIC = "public"  # no sign-in needed: sign-in pages, health check, favicon
SIGN_OUT = "sign-out"  # POST only
PAGE = "clinician page"  # any signed-in user may read it
SCORE_FORM = "score form"  # clinicians only (cases.add_assessment)
ACTION = "action"  # POST-only: a GET is refused with 405
DECISION_FORM = "decision form"  # members of the MDT who record decisions (mdt.add_decision)
URGENT_FORM = "urgent decision form"  # an oncologist or spinal surgeon only (the walk's clinician is a radiologist)
REPORT = "service audit"  # reports.view_report: coordinators, clinicians, read-only auditors
DATASET = "national dataset export"  # integrations.export_dataset: coordinators only (NHS numbers)
FHIR_API = "FHIR API"  # a system's bearer token with the resource in its scopes; never a session
ADMIN_SITE = "admin site page"  # any staff user
ADMIN_APP = "admin app index"  # 200 with a permission in the app, else 404
ADMIN_AUTOCOMPLETE = "admin autocomplete"
ADMIN_VIEW_ON_SITE = "admin view on site"
ADMIN_CATCH_ALL = "admin catch-all"
ADMIN_MODEL = "admin model page"  # by ADMIN_ACTIONS and ACCESS below
REFER_PUBLIC = "referrer sign-up"  # public: sign up, check your email, confirm the email
REFER_HOME = "referrer home"  # a referrer's list; the service is sent on to its inbox
REFER_NEW = "start a referral"  # an approved referrer, or a coordinator taking one by phone
REFER_DETAIL = "referrer's referral page"  # the referrer's organisation; the service is sent to its own page
REFER_DRAFT = "referral form step"  # drafts only: a submitted referral redirects to its page
REFER_DOCUMENT = "referral letter"  # advice and outcome letters: the referrer's organisation and the service
REFERRAL_INBOX = "triage inbox"  # the service's team and auditors
REFERRAL_ADVICE = "advice form"  # coordinators and clinicians
SECOND_FACTOR = "second-factor page"  # signed-in users; see SECOND_FACTOR_STATUS
SSO = "single sign-on"  # public, but 404 while no provider is configured (as in these tests)

RULES: list[tuple[str, str]] = [
    (r"favicon\.ico|accounts/login/|admin/login/|healthz|fhir/metadata|fhir/openapi\.json", PUBLIC),
    (r"fhir/\w+(/<str:resource_id>)?", FHIR_API),
    (r"accounts/logout/|admin/logout/", SIGN_OUT),
    (r"accounts/second-factor/(|set-up/|recovery-codes/)|accounts/security/", SECOND_FACTOR),
    (r"accounts/second-factor/passkey/(|options/|new/|new/options/)", ACTION),
    (r"accounts/sso/(|callback/)", SSO),
    (r"admin/|admin/password_change/|admin/password_change/done/|admin/jsi18n/", ADMIN_SITE),
    (r"admin/autocomplete/", ADMIN_AUTOCOMPLETE),
    (r"admin/r/<path:content_type_id>/<path:object_id>/", ADMIN_VIEW_ON_SITE),
    (r"admin/\^\(\?P<app_label>[\w|]+\)/\$", ADMIN_APP),
    (r"admin/\(\?P<url>\.\*\)\$", ADMIN_CATCH_ALL),
    (r"admin/\w+/\w+/.*", ADMIN_MODEL),
    (r"|patients/|patients/<int:patient_id>/|cases/<int:case_id>/|scans/pending-review/", PAGE),
    (r"cases/<int:case_id>/scores/<str:kind>/new/", SCORE_FORM),
    (r"cases/<int:case_id>/noms-inputs/|scans/<int:scan_id>/(un)?review/", ACTION),
    (r"meetings/|meetings/<int:meeting_id>/(|agenda\.pdf|calendar\.ics|outcomes\.pdf)", PAGE),
    (r"meetings/<int:meeting_id>/items/<int:item_id>/decision/|decisions/<int:decision_id>/amend/", DECISION_FORM),
    (r"meetings/<int:meeting_id>/(items/|attendance/).*", ACTION),
    (r"meetings/<int:meeting_id>/live/(|state/)|meetings/<int:meeting_id>/(standard-of-care|trials)/", PAGE),
    (r"meetings/<int:meeting_id>/standard-of-care/<int:item_id>/", ACTION),
    (r"decisions/<int:decision_id>/(delivery|trials)/record/", ACTION),
    (r"decisions/<int:decision_id>/(delivery|trials)/", PAGE),
    (r"meetings/<int:meeting_id>/live/(start|step|recording|outcome|check-in|confirm|end)/", ACTION),
    (r"decisions/<int:decision_id>/(|letter\.pdf)", PAGE),
    (r"documents/<int:document_id>/status/", PAGE),
    (r"decisions/<int:decision_id>/sign/|follow-ups/<int:follow_up_id>/(complete|cancel)/", ACTION),
    (r"follow-ups/", PAGE),
    (r"accounts/keepalive/", PAGE),
    (r"cases/<int:case_id>/urgent-decision/", URGENT_FORM),
    (
        r"reports/(|breaches/<str:measure>/|measures\.csv|cases\.csv|report\.pdf|referrals/|meeting-time/|delivery/)",
        REPORT,
    ),
    (r"reminders/<int:reminder_id>/(done|snooze)/", ACTION),
    (r"refer/sign-up/|refer/sign-up/sent/|refer/confirm/<str:uidb64>/<str:token>/", REFER_PUBLIC),
    (r"refer/", REFER_HOME),
    (r"refer/new/", REFER_NEW),
    (r"refer/<int:referral_id>/", REFER_DETAIL),
    (r"refer/<int:referral_id>/(step/<str:step>/|check/)", REFER_DRAFT),
    (r"(refer|referrals)/<int:referral_id>/(advice\.pdf|outcome/<int:decision_id>\.pdf)", REFER_DOCUMENT),
    (r"(refer|referrals)/<int:referral_id>/message/", ACTION),
    (r"referrals/|referrals/<int:referral_id>/", REFERRAL_INBOX),
    (r"referrals/<int:referral_id>/advice/", REFERRAL_ADVICE),
    (r"referrals/<int:referral_id>/(take|accept|decline)/", ACTION),
    (r"datasets/<int:year>/<int:month>/(cosd\.csv|quality/)", DATASET),
    (r"patients/<int:patient_id>/communication/", PAGE),  # a GET shows them; saving checks the policy
    (r"letters/|letters/<int:letter_id>/(|letter\.pdf|large-print\.pdf|letter\.html)", PAGE),
    (r"information-sheet/|information-sheet\.pdf|information-sheet-large-print\.pdf", PAGE),
    (r"decisions/<int:decision_id>/patient-letter/|letters/<int:letter_id>/release/", ACTION),
    (r"letters/tasks/<int:task_id>/done/", ACTION),
]

# What follows "admin/<app>/<model>/" -> the admin action it is.
ADMIN_ACTIONS = {
    "": "changelist",
    "add/": "add",
    "<path:object_id>/change/": "change",
    "<path:object_id>/delete/": "delete",
    "<path:object_id>/history/": "history",
    r"^([^/]+)/history/([^/]+)/$": "history",  # simple_history: one historical version
    "<path:object_id>/": "redirect",  # the admin's old-style address, redirected to change/
    "<id>/password/": "set password",  # UserAdmin: set another user's password
    "schedule-weekly/": "add",  # MeetingAdmin: add a series of weekly meetings
}

EDIT, VIEW, CHANGE = "edit", "view", "change"  # CHANGE: change but not add (referrers sign up themselves)
# What each staff role may do with each admin model ("app.*": any other model of the app).
ACCESS: dict[str, dict[str, str | None]] = {
    "coordinator": {
        "cases.patient": EDIT,
        "cases.case": EDIT,
        "cases.scan": EDIT,
        "cases.*": VIEW,  # scores are the clinicians'
        "mdt.member": VIEW,
        "mdt.periodicrun": VIEW,
        "mdt.*": EDIT,
        "auth.user": VIEW,
        "auth.group": None,
        "accounts.accessrecord": None,
        "accounts.signinrecord": None,
        "signin.*": None,  # second factors and resets: superusers only
        "reminders.reminder": VIEW,  # the outbox is read-only; failed rows can be resent (an action)
        "referrals.organisation": EDIT,
        "referrals.referrer": CHANGE,  # approve; referrers sign up themselves
        "referrals.referral": VIEW,  # every change is a service, on the referral's page
        "referrals.dutyshift": EDIT,  # the rota of the coordinator on duty (no deleting: a shift is ended)
        "integrations.apiclient": None,  # API tokens are the superuser's
        "integrations.*": VIEW,  # the PAS feed's messages and conflicts: read, and settled by an action
        "live.trial": EDIT,  # the local list of open trials
    },
    "read_only": {
        "cases.*": VIEW,
        "mdt.*": VIEW,
        "auth.user": VIEW,
        "auth.group": VIEW,
        "accounts.accessrecord": VIEW,
        "accounts.signinrecord": VIEW,  # who signed in, how, and the failures
        "signin.*": None,
        "reminders.*": VIEW,
        "referrals.*": VIEW,
        "integrations.apiclient": None,
        "integrations.*": VIEW,
        "live.*": VIEW,
    },
}


# Pages that fail today in someone else's code: expected to raise until fixed, so the walk stays
# useful meanwhile; when one is fixed the walk fails and says to remove it from here.
KNOWN_BUGS: dict[str, str] = {}  # route regex -> why it still fails; empty when none
ERROR = "exception (500)"


class Unclassified(Exception):
    pass


@dataclass(frozen=True)
class Route:
    parts: tuple[Any, ...]  # the RoutePattern / RegexPattern of each level
    callback: Callable[..., Any]
    name: str | None

    @property
    def template(self) -> str:
        return "".join(str(part) for part in self.parts)

    def __str__(self) -> str:
        return f"{self.template!r} (name {self.name!r})"


def all_routes() -> list[Route]:
    found: list[Route] = []

    def walk(patterns: list[Any], parts: tuple[Any, ...]) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, (*parts, entry.pattern))
            elif isinstance(entry, URLPattern):
                found.append(Route((*parts, entry.pattern), entry.callback, entry.name))

    walk(get_resolver().url_patterns, ())
    return found


def family(route: Route) -> str:
    for pattern, name in RULES:
        if re.fullmatch(pattern, route.template):
            if name == ADMIN_MODEL:
                admin_action(route)  # raises when the admin page is not classified either
            return name
    raise Unclassified(
        f"URL pattern {route} is not classified: add a rule for it to RULES in tests/accounts/test_url_walk.py "
        "(public? a clinician page? a POST-only action? an admin page?) so that the access test covers it."
    )


def admin_model(route: Route) -> str:
    match = re.match(r"admin/(\w+)/(\w+)/", route.template)
    assert match
    return f"{match[1]}.{match[2]}"


def admin_action(route: Route) -> str:
    rest = route.template[len(f"admin/{admin_model(route).replace('.', '/')}/") :]
    if rest not in ADMIN_ACTIONS:
        raise Unclassified(
            f"admin URL pattern {route} is not classified: add {rest!r} to ADMIN_ACTIONS in "
            "tests/accounts/test_url_walk.py, saying which admin action (view, add, change...) it needs."
        )
    return ADMIN_ACTIONS[rest]


def access(who: str, label: str) -> str | None:
    table = ACCESS[who]
    for key in (label, label.split(".")[0] + ".*"):
        if key in table:
            return table[key]
    raise Unclassified(
        f"admin model {label}: say what {who} may do with it in ACCESS in tests/accounts/test_url_walk.py"
    )


# SAMPLE OBJECTS ------------------------------------------------------------------------------


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
    PeriodicRun.objects.create(name="heartbeat", last_run_at=timezone.now())
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
    letter = PatientLetter.objects.create(decision=signed, body=f"Dear {CANARY_GIVEN},", created_by=chair)
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
        raise Unclassified(f"no {label} to open in the admin: create one in the world fixture of test_url_walk.py")
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
        "step": "patient",
        "uidb64": "MQ",
        "token": "not-a-token",
        "patient_id": world["patient"].pk,
        "case_id": world["case"].pk,
        "scan_id": world["scan"].pk,
        "meeting_id": world["meeting"].pk,
        "item_id": world["item"].pk,
        "decision_id": world["decision"].pk,
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
        raise Unclassified(f"no sample value for <{name}> in {route}: add one to sample() in test_url_walk.py")
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
        raise Unclassified(f"no sample id for FHIR {resource_type}: add one to fhir_id() in test_url_walk.py")
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
                f"regular-expression URL pattern {route}: teach urls_of() in test_url_walk.py to fill it"
            )
    return prefixes


# EXPECTATIONS -------------------------------------------------------------------------------

LOGIN_REDIRECT = "redirect to sign-in"
PUBLIC_STATUS = {
    "favicon.ico": {301},
    "accounts/login/": {200},
    "admin/login/": {200},
    "healthz": {200, 503},  # 503 when the database is down; the broker may be absent in tests
    "fhir/metadata": {200},
    "fhir/openapi.json": {200},
}
# The referrer's pages, signing out and the second factor; everything else is closed to a referrer.
REFERRER_REACHES = {
    REFER_PUBLIC, REFER_HOME, REFER_NEW, REFER_DETAIL, REFER_DRAFT, REFER_DOCUMENT, PUBLIC, SECOND_FACTOR,
}  # fmt: skip
# Actions a referrer may reach: their referral's message, and the passkey steps of the second factor.
REFERRER_ACTIONS = ("refer/", "accounts/second-factor/")


# A complete session (these tests' force_login, second factor off): the second step is done,
# so it goes on; a second factor can be added; recovery codes are only shown once, after one.
SECOND_FACTOR_STATUS = {
    "accounts/second-factor/": {302},
    "accounts/second-factor/set-up/": {200},
    "accounts/second-factor/recovery-codes/": {302},
    "accounts/security/": {200},
}


def expected(route: Route, url: str, who: str) -> set[int | str]:
    kind = family(route)
    if kind == SSO:
        return {404}
    if kind == PUBLIC:
        if who == ANONYMOUS or route.template in ("favicon.ico", "healthz", "fhir/metadata", "fhir/openapi.json"):
            return set(PUBLIC_STATUS[route.template])
        if route.template == "accounts/login/":
            return {302}  # already signed in: on to the dashboard
        return {302} if who in STAFF else {200}  # the admin's sign-in page: "not authorised" for non-staff
    if kind == REFER_PUBLIC:
        signed_in_sign_up = route.template == "refer/sign-up/" and who != ANONYMOUS
        return {302} if signed_in_sign_up else {200}  # signed in: on to their referrals
    if kind == FHIR_API:
        return {401}  # no token: a session (anyone's) is not one
    if who == ANONYMOUS:
        return {LOGIN_REDIRECT}
    if who == "referrer":
        return expected_for_referrer(route, kind)
    if kind in (REFER_HOME, REFER_DETAIL, REFER_DRAFT, REFER_NEW, REFER_DOCUMENT, REFERRAL_INBOX, REFERRAL_ADVICE):
        return expected_for_referral_page(who, kind)
    if route.template == "admin/logout/" and who not in STAFF:
        return {302}  # to the admin's index, which sends them to sign in
    if route.template.startswith("admin/") and who not in STAFF:
        return {LOGIN_REDIRECT}  # the admin sends non-staff users to its own sign-in page
    if any(re.fullmatch(bug, route.template) for bug in KNOWN_BUGS) and access(who, admin_model(route)):
        return {ERROR}
    if kind in (SIGN_OUT, ACTION):
        return {405}
    if kind == PAGE:
        return {200}
    if kind == SECOND_FACTOR:
        return set(SECOND_FACTOR_STATUS[route.template])
    if kind == SCORE_FORM:
        return {200} if who == "clinician" else {403}
    if kind == DECISION_FORM:
        return {200} if who in ("clinician", "coordinator") else {403}
    if kind == URGENT_FORM:
        return {403}
    if kind == REPORT:
        return {403} if who == "no_role" else {200}
    if kind == DATASET:
        return {200} if who == "coordinator" else {403}
    if kind == ADMIN_SITE:
        return {200}
    if kind == ADMIN_APP:
        app = url.rstrip("/").rsplit("/", 1)[-1]
        models_of_app = [m._meta.label_lower for m in admin.site._registry if m._meta.app_label == app]
        return {200} if any(access(who, label) for label in models_of_app) else {404}
    if kind == ADMIN_AUTOCOMPLETE:
        return {403}  # without its query parameters
    if kind == ADMIN_VIEW_ON_SITE:
        return {302}
    if kind == ADMIN_CATCH_ALL:
        return {404}
    level = access(who, admin_model(route))
    match admin_action(route):
        case "changelist" | "change" | "history":
            return {200} if level else {403}
        case "add":
            return {200} if level == EDIT else {403}  # CHANGE: change but not add
        case "redirect":
            return {302}
        case _:  # delete, set another user's password: superusers only
            return {403}


def expected_for_referrer(route: Route, kind: str) -> set[int | str]:
    """A referrer reaches their pages, public pages, signing out and the second factor; every other URL is 403."""
    if route.template == "accounts/logout/":
        return {405}  # signing out is a POST
    if route.template == "":
        return {302}  # the dashboard's address: on to their referrals
    if route.template.startswith("referrals/") or (kind not in REFERRER_REACHES and kind != ACTION):
        return {403}
    if kind == ACTION:  # theirs (POST only), or an action of the service's: refused before it runs
        return {405} if route.template.startswith(REFERRER_ACTIONS) else {403}
    if kind == SECOND_FACTOR:
        return set(SECOND_FACTOR_STATUS[route.template])
    if route.template.startswith("admin/"):
        return {200}  # the admin's sign-in page (public): "not authorised" for a non-staff user
    if kind == PUBLIC:
        return {302} if route.template == "accounts/login/" else set(PUBLIC_STATUS[route.template])
    if kind == REFER_DRAFT:
        return {302}  # the world's referral is submitted: the form sends them to its page
    return {200}


def expected_for_referral_page(who: str, kind: str) -> set[int | str]:
    """The service's side of the front door, and the referrer pages as the service sees them."""
    team = who in ("coordinator", "clinician")
    sees = who in ("coordinator", "clinician", "read_only")  # referrals.view_referral
    if kind == REFER_HOME:
        return {302} if sees else {403}  # on to the triage inbox
    if kind == REFER_NEW:
        return {200} if who == "coordinator" else {403}  # a referral taken by phone
    if kind == REFER_DETAIL:
        return {302} if sees else {404}
    if kind == REFER_DRAFT:
        return {404} if not sees else ({302} if who == "coordinator" else {403})
    if kind == REFER_DOCUMENT:
        return {200} if sees else {404}
    if kind == REFERRAL_INBOX:
        return {200} if sees else {403}
    return {200} if team else {403}  # REFERRAL_ADVICE


def outcome(response: Any) -> int | str:
    if isinstance(response, Exception):
        return ERROR
    if response.status_code == 302 and response["Location"].startswith(SIGN_IN_PAGES):
        return LOGIN_REDIRECT
    return int(response.status_code)


def walk(world: dict[str, Any], client: Client) -> Iterator[tuple[Route, str, Any]]:
    for route in all_routes():
        for url in urls_of(route, world):
            try:
                yield route, url, client.get(url)
            except Exception as exc:  # the test client re-raises a view's exception: a 500 in production
                yield route, url, exc


# TESTS --------------------------------------------------------------------------------------


def test_every_url_pattern_is_classified():
    problems = []
    for route in all_routes():
        try:
            family(route)
        except Unclassified as exc:
            problems.append(str(exc))
    assert not problems, "\n".join(problems)


def test_it_finds_the_pages_it_is_meant_to_guard():
    templates = {route.template for route in all_routes()}
    assert {"", "patients/<int:patient_id>/", "cases/<int:case_id>/", "admin/cases/patient/"} <= templates


def test_an_anonymous_visitor_gets_only_sign_in_redirects_404s_and_public_pages(world, client):
    problems = []
    for route, url, response in walk(world, client):
        got = outcome(response)
        allowed = expected(route, url, ANONYMOUS) | {404}
        if got not in allowed:
            problems.append(f"{url}: {got}, expected one of {sorted(map(str, allowed))}")
            continue
        body = response.content.decode(errors="replace").lower()
        if CANARY_FAMILY.lower() in body or CANARY_GIVEN.lower() in body:
            problems.append(f"{url}: shows the patient's name to an anonymous visitor")
    assert not problems, "\n".join(problems)


@pytest.mark.hazard("HAZ-007")
@pytest.mark.parametrize("who", ROLES)
@pytest.mark.slow  # every URL of the site, once per role
def test_each_role_gets_what_its_family_allows_and_nothing_is_cached(world, client, who):
    client.force_login(world["users"][who])
    problems = []
    for route, url, response in walk(world, client):
        got = outcome(response)
        allowed = expected(route, url, who)
        if got not in allowed:
            fixed = " (a KNOWN_BUGS entry: fixed? remove it)" if allowed == {ERROR} else ""
            problems.append(f"{url} [{family(route)}]: {got}, expected {sorted(map(str, allowed))}{fixed}")
        if got != ERROR and "no-store" not in response.get("Cache-Control", ""):
            problems.append(f"{url}: no Cache-Control: no-store for a signed-in user")
        if got == 200 and family(route) == ADMIN_MODEL and admin_action(route) == "change":
            # A change form answers 200 to view-only users too: it must then be read-only.
            may_change = access(who, admin_model(route)) in (EDIT, CHANGE)
            if response.context["has_change_permission"] != may_change:
                problems.append(f"{url}: the form is {'not ' if may_change else ''}editable")
    assert not problems, f"as {who}:\n" + "\n".join(problems)


def test_no_view_is_exempt_from_csrf_checks():
    exempt = [str(route) for route in all_routes() if getattr(route.callback, "csrf_exempt", False)]
    assert not exempt


def test_every_url_refuses_a_post_without_a_csrf_token(world, admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)  # a superuser: no permission check can answer before the CSRF check
    problems = []
    for route in all_routes():
        for url in urls_of(route, world):
            response = client.post(url, {"anything": "1"})
            if response.status_code != 403 or b"This form could not be accepted" not in response.content:
                problems.append(f"{url}: {response.status_code}")
    assert not problems, "POST without a CSRF token was not refused:\n" + "\n".join(problems)
    assert client.get("/").status_code == 200  # and the superuser was not signed out by any of it


def test_signing_in_and_out_need_the_csrf_token_too(world):
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 403
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(world["users"]["clinician"])
    assert signed_in.post("/accounts/logout/").status_code == 403
    assert signed_in.get("/").status_code == 200  # still signed in: a forged sign-out does nothing


def test_a_post_with_the_token_gets_through(world):
    """The control for the CSRF tests: the same client with the token is not refused."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["clinician"])  # a radiologist: may review scans
    client.get("/")
    token = client.cookies["csrftoken"].value

    response = client.post(f"/scans/{world['scan'].pk}/review/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    world["scan"].refresh_from_db()
    assert world["scan"].reviewed_at is not None


def _export(request: Any) -> Any:
    raise AssertionError("never called")


urlpatterns = [*get_resolver("config.urls").url_patterns, path("reports/export/", _export)]


@pytest.mark.urls(__name__)
def test_a_url_added_later_without_a_rule_fails_the_walk_with_a_message_saying_to_classify_it():
    new = next(route for route in all_routes() if route.template == "reports/export/")

    with pytest.raises(Unclassified, match="is not classified: add a rule for it to RULES"):
        family(new)


def test_it_covers_every_role_and_admin_model():
    registered = {model._meta.label_lower for model in admin.site._registry}
    for who in ACCESS:
        for label in registered:
            access(who, label)  # raises for a model nobody has decided about
    walked = {admin_model(route) for route in all_routes() if family(route) == ADMIN_MODEL}
    assert walked == registered


def search_of(route: Route, world: dict[str, Any]) -> dict[str, Any]:
    """Conditions and observations are searched per patient (a search without one is a 400)."""
    needs_patient = route.template in ("fhir/Condition", "fhir/Observation")
    return {"patient": world["patient"].pk} if needs_patient else {}


def test_each_fhir_url_answers_a_system_token_by_its_scopes(world, client):
    """The API's ladder: no token 401, a token without the resource's scope 403, with it 200."""
    from integrations.models.api import RESOURCE_TYPES

    tokens = {}
    for resource_type in RESOURCE_TYPES:
        others = [other for other in RESOURCE_TYPES if other != resource_type]
        tokens[resource_type] = (
            api_client_issue(client=ApiClient(name=f"only {resource_type}", scopes=[resource_type])),
            api_client_issue(client=ApiClient(name=f"all but {resource_type}", scopes=others)),
        )
    problems = []
    routes = [route for route in all_routes() if family(route) == FHIR_API]
    assert {route.template.split("/")[1] for route in routes} == set(RESOURCE_TYPES)
    for route in routes:
        allowed, refused = tokens[route.template.split("/")[1]]
        for url in urls_of(route, world):
            for token, want in ((None, 401), (refused, 403), (allowed, 200)):
                headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
                got = client.get(url, query_params=search_of(route, world), **headers).status_code
                if got != want:
                    problems.append(f"{url} with {'no token' if token is None else 'a token'}: {got}, expected {want}")
    assert not problems, "\n".join(problems)
