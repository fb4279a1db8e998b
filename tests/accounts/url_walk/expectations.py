"""What each kind of user should get from each URL, and the walk that requests every one."""

import re
from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.test import Client

from tests.accounts.url_walk.rules import (
    ACTION,
    ADMIN_APP,
    ADMIN_AUTOCOMPLETE,
    ADMIN_CATCH_ALL,
    ADMIN_SITE,
    ADMIN_VIEW_ON_SITE,
    ANONYMOUS,
    DATASET,
    DECISION_FORM,
    EDIT,
    ERROR,
    FHIR_API,
    KNOWN_BUGS,
    PAGE,
    PUBLIC,
    REFER_DETAIL,
    REFER_DOCUMENT,
    REFER_DRAFT,
    REFER_HOME,
    REFER_NEW,
    REFER_PUBLIC,
    REFERRAL_ADVICE,
    REFERRAL_INBOX,
    REPORT,
    SCORE_FORM,
    SECOND_FACTOR,
    SIGN_IN_PAGES,
    SIGN_OUT,
    SSO,
    STAFF,
    URGENT_FORM,
    Route,
    access,
    admin_action,
    admin_model,
    all_routes,
    family,
)
from tests.accounts.url_walk.sampling import urls_of

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
