"""Random and hostile values in every form of the site and the workspace (Hypothesis).

For each form, each field keeps a sensible value or takes a hostile one (NUL, 100,000 characters,
unicode, numbers far past any range, impossible dates, markup and SQL). Whatever the mix, the answer
is 2xx, 3xx or 4xx, never a 5xx, and no row of any table changes unless the answer was a success:
an admin redirect, or a page's redirect with no error message.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import constants
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations.models import ApiClient
from integrations.services import api_client_issue
from letters.services import letter_draft
from live.models import Trial
from live.services import live_check_in, live_start
from mdt.attendance import attendance_version
from mdt.models import Member, SignOff
from mdt.services.decisions import DecisionInput, decision_record, signoff_respond
from referrals.models import DutyShift, Referrer
from tests.accounts.test_write_walk import row_total
from tests.admin_forms import admin_post_data
from tests.factories import (
    AgendaItemFactory,
    AssessmentFactory,
    AttendanceFactory,
    CaseFactory,
    MeetingFactory,
    ScanFactory,
    team_user,
)
from tests.referrals.makers import referrer_user

pytestmark = pytest.mark.django_db

KEEP = object()
HOSTILE = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "-1",
            "0",
            "1e309",
            "NaN",
            "inf",
            "99999999999999999999999",
            "\u00b2",
            "\uff11\uff12",
            "\u0663",
            "-99999999999999999999999",
            "2026-13-45",
            "0000-00-00",
            "25:99",
            "\u202e\u0000",
            "ß",
            "İ",
            "<script>alert(1)</script>",
            "'; DROP TABLE cases_patient; --",
            "%s%n",
            "{{ 7*7 }}",
            "../../etc/passwd",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(max_size=40),
    st.just("x" * 100_000),
)


@dataclass
class Target:
    name: str
    who: str
    url: Callable[[dict[str, Any]], str]
    data: Callable[[Client, dict[str, Any]], dict[str, Any]]  # the form as a person would send it
    admin: bool = False


def decision_form(world: dict[str, Any]) -> dict[str, Any]:
    return {
        "treatments": ["cebrt"], "intent": "palliative", "rationale": "Stable spine.",
        "patient_preferences_considered": "yes", "patient_preferences_note": "",
        "responsible": [world["oncologist"].member.pk, world["surgeon"].member.pk], "loaded_version": "",
        "fu-TOTAL_FORMS": "1", "fu-INITIAL_FORMS": "0", "fu-0-kind": "clinic_review",
        "fu-0-due_on": f"{timezone.localdate() + dt.timedelta(days=30):%Y-%m-%d}",
        "fu-0-owner": world["surgeon"].member.pk, "fu-0-note": "", "action": "save", "reason": "",
        "amendment_reason": "Dose changed", "trial_considered": "no", "trial": "", "trial_why_not": "None open",
    }  # fmt: skip


def admin_page(name: str, *args: Any) -> Callable[[Client, dict[str, Any]], dict[str, Any]]:
    def data(client: Client, world: dict[str, Any]) -> dict[str, Any]:
        return admin_post_data(client.get(reverse(name, args=[world[a].pk if isinstance(a, str) else a for a in args])))

    return data


# Every other record a person edits in the workspace (each with its version field): by a superuser.
ADMIN_PAGES = {
    "member": "mdt_member", "attendance": "mdt_attendance", "user": "auth_user", "group": "auth_group",
    "organisation": "referrals_organisation", "referrer": "referrals_referrer", "shift": "referrals_dutyshift",
    "trial": "live_trial", "api_client": "integrations_apiclient", "score": "cases_sinsassessment",
}  # fmt: skip

TARGETS = [
    Target("decision", "oncologist", lambda w: reverse("item-decision", args=[w["meeting"].pk, w["item"].pk]),
           lambda c, w: decision_form(w)),
    Target("amend", "oncologist", lambda w: reverse("decision-amend", args=[w["locked"].pk]),
           lambda c, w: decision_form(w)),
    Target("urgent", "oncologist", lambda w: reverse("urgent-decision-new", args=[w["case"].pk]),
           lambda c, w: decision_form(w)),
    Target("sign", "surgeon", lambda w: reverse("decision-sign", args=[w["decision"].pk]),
           lambda c, w: {"response": "dissent", "reason": "Prefer surgery"}),
    Target("replace-signer", "coordinator",
           lambda w: reverse("decision-replace-signer", args=[w["decision"].pk, w["leaver"].pk]),
           lambda c, w: {f"signer-{w['leaver'].pk}-member": w["deputy"].member.pk,
                         f"signer-{w['leaver'].pk}-loaded_version": w["decision"].version}),
    Target("agenda-add", "coordinator", lambda w: reverse("agenda-add", args=[w["next"].pk]),
           lambda c, w: {"case_number": w["other_case"].pk, "case_ids": [], "late_reason": "", "all_candidates": ""}),
    Target("item-update", "coordinator",
           lambda w: reverse("agenda-item-update", args=[w["next"].pk, w["next_item"].pk]),
           lambda c, w: {f"item{w['next_item'].pk}-question": "Surgery?", f"item{w['next_item'].pk}-presenter": "",
                         f"item{w['next_item'].pk}-loaded_version": w["next_item"].version}),
    Target("item-move", "coordinator", lambda w: reverse("agenda-item-move", args=[w["next"].pk, w["next_item"].pk]),
           lambda c, w: {"direction": "up"}),
    Target("attendance", "coordinator", lambda w: reverse("meeting-attendance", args=[w["meeting"].pk]),
           lambda c, w: {"present": [w["oncologist"].member.pk],
                         "loaded_version": attendance_version(w["meeting"].pk)}),
    Target("prepared", "oncologist", lambda w: reverse("agenda-item-prepared", args=[w["next"].pk, w["next_item"].pk]),
           lambda c, w: {"prepared": "1"}),
    Target("score", "oncologist", lambda w: reverse("assessment-new", args=[w["case"].pk, "sins"]),
           lambda c, w: {"level": "T7", "location": "", "pain": "", "bone_lesion": "", "radiographic_alignment": "",
                         "vertebral_body_collapse": "", "posterolateral_involvement": "", "scan": "", "note": "",
                         "assessed_at_0": "", "assessed_at_1": ""}),
    Target("noms", "oncologist", lambda w: reverse("noms-inputs-update", args=[w["case"].pk]),
           lambda c, w: {"radiosensitivity_override": "", "fit_for_surgery": "unknown",
                         "loaded_version": w["case"].version}),
    Target("live-step", "coordinator", lambda w: reverse("live:step", args=[w["meeting"].pk]),
           lambda c, w: {"action": "jump", "from_item": w["item"].pk, "to_item": w["decided_item"].pk}),
    Target("live-recording", "coordinator", lambda w: reverse("live:recording", args=[w["meeting"].pk]),
           lambda c, w: {"from_item": w["item"].pk, "action": ""}),
    Target("live-outcome", "coordinator", lambda w: reverse("live:outcome", args=[w["meeting"].pk]),
           lambda c, w: {**decision_form(w), "from_item": w["item"].pk}),
    Target("live-not-discussed", "coordinator", lambda w: reverse("live:outcome", args=[w["meeting"].pk]),
           lambda c, w: {"action": "withdrawn", "from_item": w["item"].pk, "reason": "Treated elsewhere"}),
    Target("live-confirm", "coordinator", lambda w: reverse("live:confirm", args=[w["meeting"].pk]),
           lambda c, w: {"member": w["oncologist"].member.pk, "present": "1"}),
    Target("delivery", "oncologist", lambda w: reverse("live:delivery-record", args=[w["decision"].pk]),
           lambda c, w: {"treatment": "cebrt", "delivered": "yes", "delivered_on": f"{timezone.localdate():%Y-%m-%d}",
                         "reason": "", "note": "Started"}),
    Target("trials", "oncologist", lambda w: reverse("live:trials-record", args=[w["decision"].pk]),
           lambda c, w: {"trial_considered": "no", "trial": "", "trial_why_not": "None open"}),
    Target("standard-of-care", "oncologist",
           lambda w: reverse("live:standard-of-care-change", args=[w["next"].pk, w["next_item"].pk]),
           lambda c, w: {"action": "record", "protocol": "Breast SBRT v2", "note": "Meets it"}),
    Target("needs", "coordinator", lambda w: reverse("letters:needs", args=[w["case"].patient_id]),
           lambda c, w: {"large_print": "on", "interpreter": "on", "language": "Welsh", "address": "1 Heol Fawr",
                         "carer_name": "", "carer_address": "", "notes": "", "loaded_version": "", "next": "/"}),
    Target("letter", "oncologist", lambda w: reverse("letters:letter", args=[w["letter"].pk]),
           lambda c, w: {"body": "Dear patient", "print_format": "standard", "loaded_version": w["letter"].version}),
    Target("letter-release", "oncologist", lambda w: reverse("letters:release", args=[w["letter"].pk]),
           lambda c, w: {"loaded_version": w["letter"].version}),
    Target("admin-patient", "coordinator", lambda w: reverse("admin:cases_patient_change", args=[w["case"].patient_id]),
           lambda c, w: admin_post_data(c.get(reverse("admin:cases_patient_change", args=[w["case"].patient_id]))),
           admin=True),
    Target("admin-case", "coordinator", lambda w: reverse("admin:cases_case_change", args=[w["case"].pk]),
           admin_page("admin:cases_case_change", "case"), admin=True),
    Target("admin-scan", "coordinator", lambda w: reverse("admin:cases_scan_change", args=[w["scan"].pk]),
           admin_page("admin:cases_scan_change", "scan"), admin=True),
    Target("admin-meeting", "coordinator", lambda w: reverse("admin:mdt_meeting_change", args=[w["next"].pk]),
           admin_page("admin:mdt_meeting_change", "next"), admin=True),
    Target("admin-item", "coordinator", lambda w: reverse("admin:mdt_agendaitem_change", args=[w["item"].pk]),
           admin_page("admin:mdt_agendaitem_change", "item"), admin=True),
    *(
        Target(f"admin-{name}", "admin", lambda w, n=name: reverse(f"admin:{ADMIN_PAGES[n]}_change", args=[w[n].pk]),
               admin_page(f"admin:{ADMIN_PAGES[name]}_change", name), admin=True)
        for name in ADMIN_PAGES
    ),
    Target("admin-schedule", "coordinator", lambda w: reverse("admin:mdt_meeting_schedule_weekly"),
           lambda c, w: {"title": "MDT", "first_date": f"{timezone.localdate() + dt.timedelta(days=60):%Y-%m-%d}",
                         "starts": "13:00", "duration_minutes": "120", "weeks": "2", "agenda_closes_days_before": "2",
                         "agenda_closes": "12:00", "location": "", "video_link": "", "chair": ""}, admin=True),
]  # fmt: skip


@pytest.fixture
def fuzz_world() -> dict[str, Any]:
    oncologist = team_user("oncologist", Member.Role.ONCOLOGIST)
    surgeon = team_user("surgeon", Member.Role.SPINAL_SURGEON)
    coordinator = team_user("coordinator", Member.Role.MDT_COORDINATOR)
    meeting = MeetingFactory(under_way=True)
    item, decided = (AgendaItemFactory(meeting=meeting) for _ in range(2))
    data = DecisionInput(
        treatments=["cebrt"], no_treatment=False, intent="palliative", rationale="Stable.",
        patient_preferences_considered=True, responsible_member_ids=[oncologist.member.pk, surgeon.member.pk],
    )  # fmt: skip
    locked = decision_record(item_id=decided.pk, user=oncologist, data=data)
    for user in (oncologist, surgeon):
        signoff_respond(decision_id=locked.pk, user=user, agree=True)
    other = AgendaItemFactory(meeting=MeetingFactory(under_way=True))
    decision = decision_record(item_id=other.pk, user=oncologist, data=data)
    leaver = team_user("leaver", Member.Role.RADIOLOGIST)  # named to sign, then left the team
    Member.objects.filter(user=leaver).update(active=False)
    named_leaver = SignOff.objects.create(decision=decision, member=leaver.member)
    next_meeting = MeetingFactory()
    next_item = AgendaItemFactory(meeting=next_meeting)
    AgendaItemFactory(meeting=next_meeting)
    case = CaseFactory()
    live_start(meeting_id=meeting.pk, user=coordinator)  # the live screen on `item`, the oncologist checked in
    live_check_in(meeting_id=meeting.pk, user=oncologist)
    letter = letter_draft(decision_id=locked.pk, user=oncologist)
    api_client = ApiClient(name="Warehouse", scopes=["Patient"])
    api_client_issue(client=api_client)
    referrer = Referrer.objects.get(user=referrer_user())
    return {
        "admin": get_user_model().objects.create_superuser("admin", "admin@example.org", "pw"),
        "member": surgeon.member, "attendance": AttendanceFactory(meeting=meeting, member=surgeon.member),
        "user": surgeon, "organisation": referrer.organisation, "referrer": referrer, "api_client": api_client,
        "shift": DutyShift.objects.create(coordinator=coordinator, starts_at=timezone.now(),
                                          ends_at=timezone.now() + dt.timedelta(hours=8)),
        "trial": Trial.objects.create(name="SCORAD-IV", primary_sites=["breast"], ecog_max=2),
        "group": Group.objects.create(name="Fuzzed group"), "score": AssessmentFactory(case=case),
        "oncologist": oncologist, "surgeon": surgeon, "coordinator": coordinator, "meeting": meeting, "item": item,
        "locked": locked, "decision": decision, "next": next_meeting, "next_item": next_item, "case": case,
        "other_case": CaseFactory(), "scan": ScanFactory(case=case, performed=True), "decided_item": decided,
        "letter": letter, "leaver": named_leaver, "deputy": team_user("deputy", Member.Role.RADIOLOGIST),
    }  # fmt: skip


def succeeded(response: Any, admin: bool) -> bool:
    if response.status_code != 302:
        return False
    if admin:
        return True
    queued = getattr(response.wsgi_request, "_messages", None)
    return not any(m.level >= constants.ERROR for m in getattr(queued, "_queued_messages", []))  # a warning is saved


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_no_hostile_value_in_any_form_gives_a_server_error_or_a_partial_write(fuzz_world, target):
    client = Client()
    client.force_login(fuzz_world[target.who])
    base = target.data(client, fuzz_world)
    assert base, f"{target.name}: no form data"
    fields = sorted(base)

    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(st.fixed_dictionaries({name: st.one_of(st.just(KEEP), HOSTILE) for name in fields}))
    def post_it(choices: dict[str, Any]) -> None:
        data = {name: base[name] if value is KEEP else value for name, value in choices.items()}
        before = row_total()
        response = client.post(target.url(fuzz_world), data)
        assert response.status_code < 500, f"{target.name}: {response.status_code} for {data!r:.500}"
        if not succeeded(response, target.admin):
            assert row_total() == before, f"{target.name}: refused ({response.status_code}) but rows changed"

    post_it()


def test_the_fuzz_control_a_valid_form_does_succeed_and_write(fuzz_world):
    client = Client()
    client.force_login(fuzz_world["oncologist"])
    before = row_total()

    response = client.post(
        reverse("item-decision", args=[fuzz_world["meeting"].pk, fuzz_world["item"].pk]), decision_form(fuzz_world)
    )

    assert succeeded(response, admin=False) and row_total() > before
