"""The referrals section of the audit: by organisation and month, advice and plan against the targets,
what referrals leave out, conversion to MDT discussion."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from referrals.choices import YesNoUnknown
from referrals.services.accept import referral_accept
from reports.periods import Period
from reports.referrals import referral_report
from tests.factories import coordinator_user, team_user
from tests.referrals import makers

pytestmark = pytest.mark.django_db


def test_it_counts_referrals_by_organisation_the_clocks_the_gaps_and_the_conversion(django_assert_num_queries):
    riverside, hillside = makers.organisation("Riverside"), makers.organisation("Hillside")
    rhian, tomos = makers.referrer_user("rhian", riverside), makers.referrer_user("tomos", hillside)
    mscc = team_user("mscc", "mscc_coordinator")
    start = timezone.now() - dt.timedelta(days=2)
    with time_machine.travel(start, tick=False):
        fast = makers.submitted(rhian)
        makers.submitted(tomos, previous_spinal_rt=YesNoUnknown.YES)  # gaps: level and dose
    with time_machine.travel(start + dt.timedelta(minutes=30), tick=False):
        makers.advised(fast, by=mscc)
    with time_machine.travel(start + dt.timedelta(hours=3), tick=False):
        referral_accept(referral_id=fast.pk, user=mscc, mrn="SPN0001")
    today = timezone.localdate()

    # 1: the cohort with its organisation, case, first advice and "discussed" in one query.
    with django_assert_num_queries(1):
        report = referral_report(period=Period(today - dt.timedelta(days=30), today))

    assert report.total == 2
    assert {name: total for name, _, total in report.by_organisation} == {"Hillside": 1, "Riverside": 1}
    assert (report.advice.met, report.advice.breached, report.advice.pending) == (1, 1, 0)  # 2 hours passed
    assert report.advice.median == dt.timedelta(minutes=30)
    assert dict(report.gaps) == {
        "No level for the previous radiotherapy": 1,
        "No dose for the previous radiotherapy": 1,
    }
    assert (report.complete, report.accepted, report.discussed, report.declined) == (1, 1, 0, 0)


def test_the_page_is_for_those_who_may_view_reports(client):
    client.force_login(coordinator_user())
    assert client.get(reverse("report-referrals")).status_code == 200
    client.force_login(makers.referrer_user())
    assert client.get(reverse("report-referrals")).status_code == 403
