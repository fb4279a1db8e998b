"""Decision against delivery: what was delivered of each chosen treatment and when, or why not, entered by
the team or a feed; the audit shows how often the delivery matched the decision, and why not."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from live.delivery import MATCHED, NOT_MATCHED, delivery_record, delivery_report
from live.models import Delivery
from mdt.models import Decision, Member
from tests.factories import CaseFactory, decision, read_only_user, team_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
WINDOW = (timezone.now() - dt.timedelta(days=30), timezone.now() + dt.timedelta(days=1))


@pytest.fixture
def oncologist():
    return team_user("delivery_oncologist", Member.Role.ONCOLOGIST)


def made(treatments, days_ago=3, **kwargs):
    return decision(CaseFactory(), timezone.now() - dt.timedelta(days=days_ago), treatments, **kwargs)


def test_every_chosen_treatment_delivered_is_a_match_and_one_not_delivered_is_not(oncologist):
    both, partly = made(["cebrt", "steroids"]), made(["surgery_decompression", "cebrt"])
    for treatment in ("cebrt", "steroids"):
        delivery_record(decision_id=both.pk, treatment=treatment, user=oncologist, delivered_on=TODAY())
    delivery_record(decision_id=partly.pk, treatment="cebrt", user=oncologist, delivered_on=TODAY())
    delivery_record(
        decision_id=partly.pk,
        treatment="surgery_decompression",
        user=oncologist,
        delivered_on=None,
        reason="deterioration",
    )
    made(["sbrt_srs"])  # nothing recorded yet
    made([], no_treatment=True)  # nothing to deliver: left out

    report = delivery_report(*WINDOW)

    assert report.decisions == 3
    assert report.states[MATCHED] == 1 and report.states[NOT_MATCHED] == 1
    assert report.share(MATCHED) == 50
    assert report.reason_rows == [("Deterioration", 1)]


def test_a_delivery_needs_a_date_not_before_the_decision_nor_in_the_future_or_a_reason(oncologist):
    chosen = made(["cebrt"], days_ago=2)
    cases = [
        ({"delivered_on": TODAY() - dt.timedelta(days=5)}, "delivered_on", "before the decision"),
        ({"delivered_on": TODAY() + dt.timedelta(days=1)}, "delivered_on", "in the future"),
        ({"delivered_on": None}, "reason", "choose why it was not"),
        ({"delivered_on": None, "reason": "other"}, "note", "Say in the note"),
    ]
    for fields, field, message in cases:
        with pytest.raises(ValidationError) as refused:
            delivery_record(decision_id=chosen.pk, treatment="cebrt", user=oncologist, **fields)
        assert message in " ".join(refused.value.message_dict[field])
    with pytest.raises(ValidationError, match="a treatment the decision chose"):
        delivery_record(decision_id=chosen.pk, treatment="sbrt_srs", user=oncologist, delivered_on=TODAY())
    assert not Delivery.objects.exists()


def test_only_the_team_enters_it_a_feed_may_too_and_an_amended_decision_takes_none(oncologist):
    chosen = made(["cebrt"])
    with pytest.raises(PermissionDenied):
        delivery_record(
            decision_id=chosen.pk, treatment="cebrt", user=read_only_user("d_auditor"), delivered_on=TODAY()
        )
    row = delivery_record(decision_id=chosen.pk, treatment="cebrt", user=None, delivered_on=TODAY(), source="feed")
    assert row.source == "feed" and row.recorded_by is None
    Decision.objects.filter(pk=chosen.pk).update(status=Decision.Status.SUPERSEDED)
    with pytest.raises(ValidationError, match="amended"):
        delivery_record(decision_id=chosen.pk, treatment="cebrt", user=oncologist, delivered_on=TODAY())


def test_a_correction_keeps_the_first_entry_in_the_history(oncologist):
    chosen = made(["cebrt"])
    delivery_record(
        decision_id=chosen.pk, treatment="cebrt", user=oncologist, delivered_on=None, reason="patient_choice"
    )
    delivery_record(decision_id=chosen.pk, treatment="cebrt", user=oncologist, delivered_on=TODAY())

    row = Delivery.objects.get()
    assert row.delivered and [h.reason for h in row.history.order_by("history_date")] == ["patient_choice", ""]


def test_the_decisions_delivery_page_records_and_the_audit_page_counts(
    client, oncologist, django_assert_max_num_queries
):
    chosen = made(["cebrt"])
    client.force_login(oncologist)
    page = reverse("live:delivery", args=[chosen.pk])
    assert "Conventional radiotherapy (cEBRT)" in client.get(page).content.decode()
    record = reverse("live:delivery-record", args=[chosen.pk])

    refused = client.post(record, {"treatment": "cebrt", "delivered": "yes", "delivered_on": ""}, follow=True)
    assert "Give the date it was delivered" in refused.content.decode()
    client.post(record, {"treatment": "cebrt", "delivered": "no", "reason": "death"})

    assert Delivery.objects.get().reason == "death"
    with django_assert_max_num_queries(8):
        audit = client.get(reverse("live:delivery-report")).content.decode()
    assert "0 delivered as decided, 1 not" in audit and "The patient died" in audit
