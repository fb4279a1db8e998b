"""A referral's times compared with its dates on the service's wall clock (Europe/London), never on UTC's.

In summer time the first hour of a London day is the end of the day before in UTC, and a time read back
from the database is in UTC: a rule that took the UTC date refused an MRI done in that hour of the day of
birth as "before the date of birth" when the referral was submitted (HAZ-201)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.timezones import local_datetime
from referrals.choices import Status, YesNoUnknown
from referrals.models import Referral
from referrals.services import drafts
from tests.referrals import makers

pytestmark = pytest.mark.django_db

# A summer day in the past: 00:30 in London is 23:30 UTC the day before.
BORN = dt.date(2025, 6, 11)


def mri_error(referral: Referral) -> list[str]:
    try:
        referral.clean()
    except ValidationError as exc:
        return exc.message_dict.get("mri_at", [])
    return []


@pytest.mark.hazard("HAZ-201")
def test_an_mri_in_the_first_hour_of_the_day_of_birth_is_submitted(referrer):
    """The MRI as typed (London time) passes its step; read back from the database at submission it is
    23:30 UTC the day before, and the referral is still submitted."""
    referral = makers.draft(
        referrer,
        date_of_birth=BORN,
        mri_at=local_datetime(BORN, dt.time(0, 30)),
        dexamethasone_first_dose_at=local_datetime(BORN, dt.time(1, 0)),
    )

    submitted = drafts.referral_submit(referral_id=referral.pk, user=referrer, accept_gaps=True)

    assert submitted.status == Status.NEW


@pytest.mark.hazard("HAZ-201")
@given(minute=st.integers(0, 24 * 60 - 1), born=st.dates(dt.date(1920, 1, 1), dt.date(2025, 12, 31)))
def test_an_mri_is_before_the_date_of_birth_only_on_a_london_day_before_it_in_any_zone(minute, born):
    """Whatever zone the time arrives in (as typed, or in UTC from the database), an MRI at any minute of the
    London day of birth is accepted, and one at the same minute of the London day before is refused."""
    at = dt.time(minute // 60, minute % 60)
    on_the_day = local_datetime(born, at)
    day_before = local_datetime(born - dt.timedelta(days=1), at)
    for zone in (on_the_day.tzinfo, dt.UTC):
        accepted = Referral(date_of_birth=born, mri_done=YesNoUnknown.YES, mri_at=on_the_day.astimezone(zone))
        refused = Referral(date_of_birth=born, mri_done=YesNoUnknown.YES, mri_at=day_before.astimezone(zone))

        assert mri_error(accepted) == []
        assert mri_error(refused) == ["The MRI cannot be before the date of birth."]
