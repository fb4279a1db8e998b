"""Approving referrers from the workspace's list acts only on the referrers as the coordinator saw them
(HAZ-174): one changed since the list was opened is not approved and is named; for any mix of changed and
unchanged rows, exactly the unchanged ones are approved."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.history import save_as
from referrals.models import Referrer
from tests.admin_forms import said, ticked
from tests.factories import coordinator_user
from tests.referrals.makers import organisation, referrer_user

pytestmark = pytest.mark.django_db

REFERRERS = reverse("admin:referrals_referrer_changelist")


def changed_meanwhile(referrer: Referrer, by) -> Referrer:
    """Their job title corrected by another coordinator, on the referrer's form."""
    referrer = Referrer.objects.get(pk=referrer.pk)
    referrer.job_title, referrer.version = "Medical student", referrer.version + 1
    save_as(by, referrer)
    return referrer


@pytest.fixture
def coordinators():
    us, them = coordinator_user("carys"), coordinator_user("eira")
    them.first_name, them.last_name = "Eira", "Hughes"
    them.save()
    client = Client()
    client.force_login(us)
    return client, them


@pytest.mark.hazard("HAZ-174")
def test_a_referrer_changed_meanwhile_is_not_approved_and_is_named_with_what_changed(coordinators):
    client, them = coordinators
    org = organisation()
    fresh, stale = (referrer_user(name, org, approved=False).referrer for name in ("ref1", "ref2"))
    page = client.get(REFERRERS)
    stale = changed_meanwhile(stale, them)
    history = stale.history.count()

    response = client.post(REFERRERS, ticked(page, "approve", fresh, stale))

    [refused] = [m for m in said(response) if "changed since you opened the list" in m]
    assert refused.startswith(f"{stale} changed since you opened the list (Eira Hughes at ")
    assert "job title: Acute oncology registrar → Medical student" in refused
    assert "1 referrer(s) approved." in said(response)
    assert Referrer.objects.get(pk=stale.pk).approved_at is None and stale.history.count() == history
    assert Referrer.objects.get(pk=fresh.pk).approved_by is not None


@pytest.mark.hazard("HAZ-174")
def test_for_any_mix_of_changed_and_unchanged_rows_exactly_the_unchanged_are_approved_and_each_changed_one_named(
    coordinators,
):
    client, them = coordinators
    org = organisation()
    names = iter(range(10**6))

    @settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.booleans(), min_size=1, max_size=5))
    def approve(changed: list[bool]) -> None:
        with transaction.atomic():
            rows = [referrer_user(f"r{next(names)}", org, approved=False).referrer for _ in changed]
            page = client.get(REFERRERS)
            stale = [changed_meanwhile(row, them) for row, was in zip(rows, changed, strict=True) if was]
            versions = {row.pk: (row.version, row.history.count()) for row in stale}

            response = client.post(REFERRERS, ticked(page, "approve", *rows))

            now = Referrer.objects.filter(pk__in=[row.pk for row in rows])
            unchanged = {row.pk for row, was in zip(rows, changed, strict=True) if not was}
            assert {r.pk for r in now if r.approved_at} == unchanged
            assert {r.pk: (r.version, r.history.count()) for r in now if r.pk in versions} == versions
            refusals = [m for m in said(response) if "changed since you opened the list" in m]
            assert len(refusals) == len(stale) and all("(Eira Hughes at " in m for m in refusals)
            transaction.set_rollback(True)

    approve()
