"""A change to the clinical record of the case on the live screen, made anywhere during the meeting, changes the
state the followers poll, so their panel shows it, and the out-of-date flags it raises (HAZ-180, HAZ-023)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.choices import PrimarySite
from cases.models import Assessment
from live import selectors, services
from tests.factories import TOKUHASHI_11, AssessmentFactory, ScanFactory
from tests.live.makers import room

pytestmark = [pytest.mark.django_db, pytest.mark.hazard("HAZ-180")]


def on_screen():
    """A meeting live on its first case, which has a revised Tokuhashi assessed an hour ago."""
    r = room(2)
    case = r.items[0].case
    tokuhashi = {"kind": "tokuhashi", "version": "tokuhashi_revised_2005", "level": "", "components": TOKUHASHI_11}
    AssessmentFactory(case=case, assessed_at=timezone.now() - dt.timedelta(hours=1), total=11, **tokuhashi)
    services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    return r, case


def _karnofsky(case):
    case.karnofsky = 40
    case.save()


def _primary(case):
    case.patient.primary_site = PrimarySite.MELANOMA
    case.patient.save()


def _new_mri(case):
    ScanFactory(case=case, performed_at=timezone.now())


def _new_score(case):
    AssessmentFactory(case=case)


def _score_deleted(case):
    Assessment.objects.filter(case=case).get().delete()


@pytest.mark.parametrize(
    "change", [_karnofsky, _primary, _new_mri, _new_score, _score_deleted], ids=lambda c: c.__name__
)
def test_a_change_to_the_record_of_the_case_on_the_screen_changes_the_state(change):
    r, case = on_screen()
    before = selectors.state_tag(r.meeting.pk)

    change(case)

    assert selectors.state_tag(r.meeting.pk) != before


def test_a_scan_of_the_case_on_the_screen_reported_during_the_meeting_changes_the_state():
    r, case = on_screen()
    scan = ScanFactory(case=case, performed_at=timezone.now() - dt.timedelta(hours=2))
    before = selectors.state_tag(r.meeting.pk)

    scan.reported_at = timezone.now()
    scan.report = "Deposit at T7."
    scan.save()

    assert selectors.state_tag(r.meeting.pk) != before


def test_a_change_to_another_cases_record_leaves_the_state_alone():
    r, _ = on_screen()
    before = selectors.state_tag(r.meeting.pk)

    _karnofsky(r.items[1].case)
    _new_mri(r.items[1].case)

    assert selectors.state_tag(r.meeting.pk) == before


@pytest.mark.hazard("HAZ-023")
def test_the_followers_panel_shows_the_flag_a_change_during_the_meeting_raises(client):
    r, case = on_screen()
    client.force_login(r.oncologist)
    first = client.get(reverse("live:state", args=[r.meeting.pk]))
    assert "May be out of date" not in first.content.decode()

    _karnofsky(case)
    again = client.get(reverse("live:state", args=[r.meeting.pk]), headers={"if-none-match": first["ETag"]})

    assert again.status_code == 200
    assert "May be out of date: Karnofsky changed not recorded → 40%" in again.content.decode()
