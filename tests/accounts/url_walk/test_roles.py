"""Every URL as an anonymous visitor, as each role, and as a system with an API token."""

from typing import Any

import pytest

from integrations.models import ApiClient
from integrations.services import api_client_issue
from tests.accounts.url_walk.expectations import expected, outcome, walk
from tests.accounts.url_walk.rules import (
    ADMIN_MODEL,
    ANONYMOUS,
    CANARY_FAMILY,
    CANARY_GIVEN,
    CHANGE,
    EDIT,
    ERROR,
    FHIR_API,
    ROLES,
    Route,
    access,
    admin_action,
    admin_model,
    all_routes,
    family,
)
from tests.accounts.url_walk.sampling import urls_of

pytestmark = pytest.mark.django_db


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
