"""Every write path, for every role: each POST address of the site, and each admin add, change and
action, generated from the URL configuration and the admin registry like the read walk
(tests/accounts/url_walk/), and each one classified here. A path nobody has classified fails the walk.

For each path and role it asserts the answer (never a 500) and that a role that may not write
changes nothing: not one row in any table, history included (every model with history writes a
history row for each change, so a count over all tables sees updates as well as inserts).
"""

import re
from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.urls import reverse

from core.admin_actions import MISSING_VERSIONS
from tests.accounts.url_walk import sampling
from tests.accounts.url_walk.rules import (
    ADMIN_MODEL,
    ANONYMOUS,
    CHANGE,
    EDIT,
    ROLES,
    STAFF,
    Unclassified,
    access,
    admin_action,
    admin_model,
    all_routes,
    family,
)
from tests.accounts.url_walk.sampling import urls_of
from tests.admin_forms import action_data, admin_post_data, as_post, form_items

pytestmark = pytest.mark.django_db

world = sampling.world  # the read walk's fixture: one of everything around a canary patient

# Who may write through each POST address of the site (by URL name). READ: a page whose POST
# writes nothing for anyone. The walk's clinician is a radiologist (reviews scans, signs).
READ = frozenset[str]()
ANYONE_SIGNED_IN = frozenset({"coordinator", "clinician", "read_only", "no_role", "referrer"})
WRITES: dict[str, frozenset[str]] = {
    "dashboard": READ,
    "patient-list": READ,
    "patient-detail": READ,
    "case-detail": READ,
    "scans-pending-review": READ,
    "assessment-new": frozenset({"clinician"}),
    "noms-inputs-update": frozenset({"clinician"}),
    "scan-review": frozenset({"clinician"}),
    "scan-unreview": frozenset({"clinician"}),  # the reviewer taking a review back
    "meeting-list": READ,
    "meeting-detail": READ,
    "meeting-pdf": READ,
    "meeting-ics": READ,
    "meeting-outcomes-pdf": READ,
    "agenda-add": frozenset({"coordinator", "clinician"}),  # a clinician until the agenda closes
    "agenda-suggest": READ,  # a search by POST (what is typed stays out of the address)
    "agenda-sort": frozenset({"coordinator"}),
    "meeting-attendance": frozenset({"coordinator"}),
    "agenda-item-move": frozenset({"coordinator"}),
    "agenda-item-update": frozenset({"coordinator"}),
    "agenda-item-withdraw": frozenset({"coordinator"}),
    "agenda-item-prepared": frozenset({"clinician"}),
    "item-decision": frozenset({"coordinator", "clinician"}),
    "decision-detail": READ,
    "decision-sign": frozenset({"clinician"}),  # only if named on the decision
    "decision-replace-signer": frozenset({"coordinator", "clinician"}),  # whoever records decisions; a leaver's
    "decision-amend": frozenset({"coordinator", "clinician"}),
    "decision-letter": READ,
    "urgent-decision-new": frozenset(),  # an oncologist or spinal surgeon; none in the walk
    "follow-up-list": READ,
    "follow-up-complete": frozenset({"coordinator"}),  # the owner (the chair) or a coordinator
    "follow-up-cancel": frozenset({"coordinator"}),
    "reminder-done": frozenset({"clinician"}),  # the recipient
    "reminder-snooze": frozenset({"clinician"}),
    "report": READ,
    "report-breaches": READ,
    "report-measures-csv": READ,
    "report-cases-csv": READ,
    "report-pdf": READ,
    "healthz": READ,
    "document-status": READ,  # a worker-built PDF's progress
    "favicon.ico": READ,
    "dataset-index": READ,
    "dataset-cosd-csv": READ,
    "dataset-quality": READ,
    "fhir-metadata": READ,  # the FHIR API reads only; its tokens are not sessions
    "fhir-openapi": READ,
    **{
        f"fhir-{resource}{suffix}": READ
        for resource in ("patient", "condition", "imagingstudy", "observation", "careplan", "encounter")
        for suffix in ("", "-search")
    },
    "session-keepalive": READ,  # extends the session only
    "login": ANYONE_SIGNED_IN,  # signing in writes the session and the throttle counters
    "logout": ANYONE_SIGNED_IN,
    # One's own second factor (set up, passkeys, recovery codes): an empty POST sets up nothing.
    **{
        name: ANYONE_SIGNED_IN
        for name in (
            "second-factor",
            "set-up",
            "recovery-codes",
            "security",
            "passkey-options",
            "passkey",
            "passkey-new-options",
            "passkey-new",
        )
    },
    # Single sign-on answers 404 here (no provider configured in the tests): nothing is written.
    "sso-start": READ,
    "sso-callback": READ,
    "sso-jwks": READ,  # the client's public key set: GET only, a POST is refused with 405
    # Referrals. Names are not namespaced: "detail", "message" and the letters are the referrer's
    # portal's and the triage pages' alike. The walk has no referrer.
    "home": READ,
    "sign-up": frozenset(),  # a referrer signing up (public)
    "sign-up-sent": READ,
    "confirm": frozenset(),
    "new": frozenset({"coordinator"}),  # the service taking a referral by phone
    "step": frozenset({"coordinator"}),
    "check": frozenset({"coordinator"}),
    "detail": READ,
    "advice-pdf": READ,
    "outcome-pdf": READ,
    "message": frozenset({"coordinator", "clinician"}),
    "inbox": READ,
    "take": frozenset({"coordinator", "clinician"}),  # triage and advice: coordinators and clinicians
    "advice": frozenset({"coordinator", "clinician"}),
    "accept": frozenset({"coordinator"}),  # accepting registers the case: the coordinators
    "decline": frozenset({"coordinator"}),
    "report-referrals": READ,
    # The live meeting (names are not namespaced: "start" is also the patient letter's, below by address).
    "page": READ,
    "state": READ,
    "meetings/<int:meeting_id>/live/start/": frozenset({"coordinator"}),  # driving the screen: coordinators
    "recording": frozenset({"coordinator"}),
    "end": frozenset({"coordinator"}),
    "outcome": frozenset({"coordinator", "clinician"}),  # the outcome service's rule: whoever records decisions
    "check-in": frozenset({"coordinator", "clinician"}),  # oneself, an active team member
    "standard-of-care": READ,
    "standard-of-care-change": frozenset(),  # a lead clinician (oncologist or spinal surgeon); none in the walk
    "delivery": READ,
    "delivery-record": frozenset({"coordinator", "clinician"}),
    "trials": READ,
    "agenda-trials": READ,  # every listed case matched to the open trials
    "trials-record": frozenset({"coordinator", "clinician"}),
    "delivery-report": READ,
    "time-report": READ,
    # Patients' letters.
    "needs": frozenset({"coordinator", "clinician"}),
    "decisions/<int:decision_id>/patient-letter/": frozenset({"coordinator", "clinician"}),
    "advice-start": frozenset({"coordinator", "clinician"}),  # the letter after advice on a referral
    "list": READ,
    "letter": frozenset({"coordinator", "clinician"}),
    "release": frozenset({"clinician"}),  # a clinician who may sign decisions
    "pdf": READ,
    "pdf-large": READ,
    "html": READ,
    "task-done": frozenset({"coordinator"}),
    "sheet": READ,
    "sheet-pdf": READ,
    "sheet-pdf-large": READ,
}

# Admin actions (the changelist's drop-down), by name: which roles may run them. Deleting is the
# superuser's; marking scans reviewed needs cases.review_scan (no staff role in the walk has it);
# resending a failed reminder is the coordinator's.
ADMIN_ACTIONS: dict[str, frozenset[str]] = {
    "delete_selected": frozenset(),
    "mark_reviewed": frozenset(),
    "resend": frozenset({"coordinator"}),
    "keep_record_value": frozenset({"coordinator"}),  # settling a conflict with the PAS feed
    "apply_feed_value": frozenset({"coordinator"}),
    "mark_feed_reviewed": frozenset({"coordinator"}),  # a feed message reviewed, with a note of what was done
    "issue_new_token": frozenset(),  # API tokens are the superuser's
    "approve": frozenset({"coordinator"}),  # approving a referrer no rule approved
}


def row_total() -> int:
    """Rows in every table of the database, in one query."""
    tables = [t for t in connection.introspection.table_names() if not t.startswith(("django_session", "sqlite_"))]
    # Not writes of care or access: who opened which record (a page viewed, even by a POST it refuses,
    # is recorded), and the sign-in counters.
    tables = [t for t in tables if t not in ("django_migrations", "accounts_signinthrottle", "accounts_accessrecord")]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + " + ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables))  # noqa: S608
        return int(cursor.fetchone()[0])


def route_name(route: Any) -> str:
    """The route's name, or its address where WRITES classifies it by address (a name two apps share)."""
    return route.template if route.template in WRITES else (route.name or route.template)


def site_routes() -> list[Any]:
    return [r for r in all_routes() if not r.template.startswith("admin/")]


def test_every_post_address_of_the_site_is_classified():
    missing = [str(r) for r in site_routes() if route_name(r) not in WRITES]
    assert not missing, (
        "POST addresses with no rule: say who may write through each in WRITES in tests/accounts/test_write_walk.py\n"
        + "\n".join(missing)
    )


def test_every_admin_action_is_classified(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    missing = [
        f"{model._meta.label_lower}: {name}"
        for model, model_admin in admin.site._registry.items()
        for name in model_admin.get_actions(request)
        if name not in ADMIN_ACTIONS
    ]
    assert not missing, "admin actions with no rule in ADMIN_ACTIONS (test_write_walk.py):\n" + "\n".join(missing)


def _client(world: dict[str, Any], who: str) -> Client:
    client = Client()
    if who != ANONYMOUS:
        client.force_login(world["users"][who])
    return client


@pytest.mark.parametrize("who", [ANONYMOUS, *ROLES])
def test_each_post_address_answers_each_role_and_only_writers_write(world, who):
    client = _client(world, who)
    problems = []
    for route in site_routes():
        allowed = WRITES.get(route_name(route))
        if allowed is None:
            raise Unclassified(f"{route}: add it to WRITES")
        for url in urls_of(route, world):
            before = row_total()
            try:
                response = client.post(url, {})
            except Exception as exc:  # the test client re-raises a view's exception: a 500 in production
                problems.append(f"{url}: {type(exc).__name__}: {exc}")
                continue
            if response.status_code >= 500:
                problems.append(f"{url}: {response.status_code}")
            if who not in allowed and row_total() != before and family(route) != "public":
                problems.append(f"{url}: {who} may not write here, but rows changed ({response.status_code})")
    assert not problems, f"as {who}:\n" + "\n".join(problems)


def _admin_urls(world: dict[str, Any], action: str) -> list[tuple[str, str, str]]:
    """(model label, admin action, address) for every admin page of that action."""
    found = []
    for route in all_routes():
        if route.template.startswith("admin/") and family(route) == ADMIN_MODEL and admin_action(route) == action:
            found += [(admin_model(route), action, url) for url in urls_of(route, world)]
    return found


def _form_data(response: Any) -> dict[str, Any]:
    """What the page's form would send unchanged: the admin's change form, or a custom page's form."""
    if response.status_code != 200 or not response.context:
        return {}
    if "adminform" in response.context:
        return admin_post_data(response)
    form = response.context.get("form")
    return as_post(form_items(form)) if form is not None else {}


@pytest.mark.hazard("HAZ-046")
@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("action", ["add", "change", "history", "delete", "set password"])
def test_each_admin_add_change_revert_and_delete_is_refused_to_roles_that_may_not_and_saves_for_those_who_may(
    world, who, action
):
    client = _client(world, who)
    superuser = Client()
    superuser.force_login(world["users"]["coordinator"].__class__.objects.create_superuser("walker", "w@x.org", "pw"))
    problems = []
    for label, _, url in _admin_urls(world, action):
        if url.startswith("/admin/auth/user/") and action == "add":
            continue  # the user add form takes a password pair: covered by the accounts tests
        # The form as it stands (an unchanged save); a revert posts the old version's form.
        data = {"post": "yes"} if action == "delete" else _form_data(superuser.get(url))
        before = row_total()
        try:
            response = client.post(url, data)
        except Exception as exc:
            problems.append(f"{url}: {type(exc).__name__}: {exc}")
            continue
        changed = row_total() != before
        level = access(who, label) if who in STAFF and action not in ("delete", "set password") else None
        if level == CHANGE and action == "change":  # change but not add (referrers sign up themselves)
            level = EDIT
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
        elif changed and (level != EDIT or action == "history"):
            problems.append(f"{url}: {who} may not edit {label} here, but rows changed")
        elif action == "history":
            continue  # the list answers a POST as a GET; a version page refuses it (no revert)
        elif level != EDIT and response.status_code not in (302, 403):
            problems.append(f"{url}: {who} got {response.status_code}, expected 403 (or a sign-in redirect)")
        elif level == EDIT and action == "change" and response.status_code != 302:
            errors = response.context["adminform"].form.errors if response.context else ""
            problems.append(f"{url}: an unchanged save by {who} failed: {errors}")
    assert not problems, f"as {who}:\n" + "\n".join(problems)


@pytest.mark.parametrize("who", ROLES)
def test_each_admin_action_runs_only_for_the_roles_that_may_run_it(world, who, rf):
    client = _client(world, who)
    problems = []
    for model, model_admin in admin.site._registry.items():
        request = rf.get("/admin/")
        request.user = world["users"]["coordinator"].__class__(is_superuser=True, is_staff=True, is_active=True)
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for name in model_admin.get_actions(request):
            allowed = ADMIN_ACTIONS.get(name)
            if allowed is None:
                raise Unclassified(f"admin action {name} of {model._meta.label_lower}: add it to ADMIN_ACTIONS")
            before = row_total()
            response = client.post(changelist, action_data(name, obj, post="yes"))
            if response.status_code >= 500:
                problems.append(f"{name} on {changelist}: {response.status_code}")
            if any(MISSING_VERSIONS in str(m) for m in getattr(response.wsgi_request, "_messages", [])):
                problems.append(f"{name} on {changelist}: posted without the rows' versions, so it tested nothing")
            if who not in allowed and row_total() != before:
                problems.append(f"{name} on {changelist}: {who} may not run it, but rows changed")
    assert not problems, f"as {who}:\n" + "\n".join(problems)


@pytest.mark.hazard("HAZ-174")
def test_every_admin_action_posted_without_the_rows_versions_or_across_pages_changes_nothing(world, rf):
    """As the superuser, who may run every action: an old tab's post (no versions) and "select all" across
    pages are refused before any action runs."""
    client = Client()
    client.force_login(world["users"]["coordinator"].__class__.objects.create_superuser("all", "a@x.org", "pw"))
    request = rf.get("/admin/")
    request.user = world["users"]["coordinator"].__class__(is_superuser=True, is_staff=True, is_active=True)
    problems = []
    for model, model_admin in admin.site._registry.items():
        obj = model._default_manager.order_by("pk").first()
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for name in model_admin.get_actions(request) if obj is not None else ():
            for post in (
                {"action": name, "_selected_action": [obj.pk], "post": "yes"},
                action_data(name, obj, post="yes", select_across="1"),
            ):
                before = row_total()
                response = client.post(changelist, post)
                if response.status_code != 302 or row_total() != before:
                    problems.append(f"{name} on {changelist} ({sorted(post)}): {response.status_code}, rows changed")
    assert not problems, "\n".join(problems)


def test_the_walk_sees_a_write_it_is_not_told_about(world):
    """The control: a coordinator's allowed write does change the count the walk compares."""
    client = _client(world, "coordinator")
    before = row_total()

    client.post(reverse("agenda-sort", args=[world["meeting"].pk]))
    client.post(
        reverse("meeting-attendance", args=[world["meeting"].pk]), {"present": [world["users"]["clinician"].pk]}
    )
    client.post(reverse("follow-up-complete", args=[world["follow_up"].pk]), {"outcome": "Seen in clinic"})

    assert row_total() != before
    assert re.fullmatch(r"\d+", str(before))
