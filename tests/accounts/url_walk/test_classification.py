"""Every URL pattern and every admin model is classified, and one added later without a rule fails the walk."""

from typing import Any

import pytest
from django.contrib import admin
from django.urls import get_resolver, path

from tests.accounts.url_walk.rules import ACCESS, ADMIN_MODEL, Unclassified, access, admin_model, all_routes, family

pytestmark = pytest.mark.django_db


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
