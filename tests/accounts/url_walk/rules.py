"""The walk's classification: the users it walks as, the URL families and the rule that puts each URL pattern
in one, and what each staff role may do with each admin model."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from tests import factories
from tests.referrals import makers as referral_makers

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
SSO = "single sign-on"  # public, but 404 while no provider (or no private_key_jwt) is configured, as in these tests

RULES: list[tuple[str, str]] = [
    (r"favicon\.ico|accounts/login/|admin/login/|healthz|fhir/metadata|fhir/openapi\.json", PUBLIC),
    (r"fhir/\w+(/<str:resource_id>)?", FHIR_API),
    (r"accounts/logout/|admin/logout/", SIGN_OUT),
    (r"accounts/second-factor/(|set-up/|recovery-codes/)|accounts/security/", SECOND_FACTOR),
    (r"accounts/second-factor/passkey/(|options/|new/|new/options/)", ACTION),
    (r"accounts/sso/(|callback/|jwks\.json)", SSO),  # jwks.json: the client's public keys, for the provider
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
    (r"decisions/<int:decision_id>/signers/<int:signoff_id>/replace/", ACTION),
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
    (r"datasets/(|<int:year>/<int:month>/(cosd\.csv|quality/))", DATASET),
    (r"patients/<int:patient_id>/communication/", PAGE),  # a GET shows them; saving checks the policy
    (r"letters/|letters/<int:letter_id>/(|letter\.pdf|large-print\.pdf|letter\.html)", PAGE),
    (r"information-sheet/|information-sheet\.pdf|information-sheet-large-print\.pdf", PAGE),
    (r"(decisions/<int:decision_id>|advice/<int:advice_id>)/patient-letter/|letters/<int:letter_id>/release/", ACTION),
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
        "cases.communicationneeds": EDIT,  # also on the letters pages, for clinicians too
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
        f"URL pattern {route} is not classified: add a rule for it to RULES in tests/accounts/url_walk/rules.py "
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
            "tests/accounts/url_walk/rules.py, saying which admin action (view, add, change...) it needs."
        )
    return ADMIN_ACTIONS[rest]


def access(who: str, label: str) -> str | None:
    table = ACCESS[who]
    for key in (label, label.split(".")[0] + ".*"):
        if key in table:
            return table[key]
    raise Unclassified(
        f"admin model {label}: say what {who} may do with it in ACCESS in tests/accounts/url_walk/rules.py"
    )
