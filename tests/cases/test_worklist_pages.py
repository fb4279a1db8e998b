import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ScanFactory, clinician_user

pytestmark = pytest.mark.django_db


def performed(hours_ago: int):
    now = timezone.now()
    return ScanFactory(
        requested_at=now - dt.timedelta(hours=hours_ago + 1), performed_at=now - dt.timedelta(hours=hours_ago)
    )


def test_it_lists_every_mri_waiting_for_review_longest_first_across_pages(client):
    client.force_login(clinician_user())
    scans = [performed(hours) for hours in range(120, 0, -1)]  # oldest first
    seen, after = [], None
    while True:
        page = client.get(reverse("scans-pending-review"), {"after": after} if after else {}).context["page"]
        seen += [scan.pk for scan in page.object_list]
        if not page.has_next:
            break
        after = page.next_after
    assert seen == [scan.pk for scan in scans]


def test_a_deep_page_runs_the_same_queries_as_the_first(client, django_assert_max_num_queries):
    client.force_login(clinician_user())
    scans = [performed(hours) for hours in range(200, 0, -1)]

    # session, user, the page's scans with patients (JOIN; a deep page compares with the anchor row in a
    # subquery of the same statement), member (navbar), user and group permissions
    with django_assert_max_num_queries(6):
        first = client.get(reverse("scans-pending-review"))
    with django_assert_max_num_queries(6):
        deep = client.get(reverse("scans-pending-review"), {"after": scans[149].pk})

    assert len(first.context["page"].object_list) == 50
    assert [s.pk for s in deep.context["page"].object_list] == [s.pk for s in scans[150:]]
