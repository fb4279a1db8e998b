"""Recording a decision and printing the outcomes take the same number of queries for a long meeting."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mdt.models import AgendaItem, Decision, Member
from mdt.services.decisions import decision_record, signoff_respond
from tests.mdt.decision_pages.helpers import form_data, in_six_weeks, named, page, service_input, todays_meeting

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- constant queries

# Recording one item's decision (POST, then a redirect) runs these queries and no more, whatever
# the length of the meeting and however many clinicians and follow-ups it names:
#   request:  1 session, 2 user, 3-4 the user's and its groups' permissions,
#   view:     5 the agenda item (meeting, presenter, case, patient, responsible clinician),
#             6-7 its scans and scores (the NOMS box), 8 the item's current decision,
#             9 the listed item ids (Case N of M, the next case),
#             10 the ticked clinicians (form), 11 the follow-ups' owners (form, all rows at once),
#   view:     12 SAVEPOINT (the decision and the trial answer saved together),
#   service:  13 SAVEPOINT, 14 the item (for update), 15 the current decision (for update),
#             16 the responsible clinicians, 17 the follow-ups' owners,
#             18-19 the decision and its history row,
#             20-21 the sign-offs and their history rows (bulk),
#             22-23 the follow-ups and their history rows (bulk),
#             24-25 the item's status and its history row, 26 ratify urgent decisions,
#             27 complete the follow-ups that asked for this discussion,
#             28 the case (for update), 29-30 the case's clocks and status and its history row,
#             31 RELEASE SAVEPOINT,
#   trials:   32 SAVEPOINT, 33 the decision (for update), 34 its trial answer, 35-36 the answer and its
#             history row, 37 RELEASE SAVEPOINT, 38 RELEASE SAVEPOINT (the view's).
# (Revising an unsigned decision also selects the sign-offs and open follow-ups it replaces.)
DECISION_SAVE_QUERIES = 38


def save_queries(client, *, items: int, clinicians: int, follow_ups: int) -> int:
    oncologist = named(f"onc{items}{clinicians}{follow_ups}", Member.Role.ONCOLOGIST, "Olwen", "Pryce")
    surgeon = named(f"sur{items}{clinicians}{follow_ups}", Member.Role.SPINAL_SURGEON, "Steffan", "Rees")
    others = [
        named(f"c{n}{items}{clinicians}{follow_ups}", Member.Role.RADIOLOGIST, "Rhian", f"Morgan{n}")
        for n in range(clinicians - 2)
    ]
    users = [oncologist, surgeon, *others]
    meeting, listed = todays_meeting(items)
    rows = [("repeat_mri", in_six_weeks(), users[n % len(users)], n == 0) for n in range(follow_ups)]
    client.force_login(oncologist)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(page(meeting, listed[0]), form_data(*users, follow_ups=rows))
    assert response.status_code == 302
    decision = Decision.objects.get(agenda_item=listed[0])
    assert decision.signoffs.count() == clinicians and decision.follow_ups.count() == follow_ups
    return len(queries)


@pytest.mark.parametrize(
    ("items", "clinicians", "follow_ups"),
    [(5, 2, 0), (40, 2, 0), (5, 5, 0), (5, 2, 3), (40, 5, 3)],
)
def test_it_records_a_decision_in_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, items, clinicians, follow_ups
):
    oncologist = named("onc", Member.Role.ONCOLOGIST, "Olwen", "Pryce")
    surgeon = named("sur", Member.Role.SPINAL_SURGEON, "Steffan", "Rees")
    others = [named(f"c{n}", Member.Role.RADIOLOGIST, "Rhian", f"Morgan{n}") for n in range(clinicians - 2)]
    users = [oncologist, surgeon, *others]
    meeting, listed = todays_meeting(items)
    rows = [("repeat_mri", in_six_weeks(), users[n % len(users)], False) for n in range(follow_ups)]
    client.force_login(oncologist)

    with django_assert_max_num_queries(DECISION_SAVE_QUERIES):
        response = client.post(page(meeting, listed[0]), form_data(*users, follow_ups=rows))

    assert response.status_code == 302 and response["Location"] == page(meeting, listed[1])
    decision = Decision.objects.get()
    assert decision.signoffs.count() == clinicians and decision.follow_ups.count() == follow_ups


def test_it_records_a_decision_in_the_same_queries_for_a_long_meeting_and_many_clinicians(client):
    assert save_queries(client, items=5, clinicians=2, follow_ups=0) == save_queries(
        client, items=40, clinicians=5, follow_ups=0
    )


def test_it_records_a_decision_in_the_same_queries_for_one_follow_up_or_three(client):
    assert save_queries(client, items=5, clinicians=2, follow_ups=1) == save_queries(
        client, items=5, clinicians=2, follow_ups=3
    )


def outcomes_queries(client, items: int) -> int:
    oncologist = named(f"onc{items}", Member.Role.ONCOLOGIST, "Olwen", "Pryce")
    surgeon = named(f"sur{items}", Member.Role.SPINAL_SURGEON, "Steffan", "Rees")
    meeting, listed = todays_meeting(items)
    follow_up = {"kind": "repeat_mri", "due_on": in_six_weeks(), "owner_id": surgeon.member.pk, "rediscuss": False}
    for item in listed[:-2]:
        decision = decision_record(
            item_id=item.pk, user=oncologist, data=service_input(oncologist, surgeon, follow_ups=[follow_up])
        )
        signoff_respond(decision_id=decision.pk, user=oncologist, agree=True)
    listed[-2].status, listed[-1].status = AgendaItem.Status.NOT_DISCUSSED, AgendaItem.Status.WITHDRAWN
    AgendaItem.objects.bulk_update(listed[-2:], ["status"])
    client.force_login(oncologist)
    client.get(reverse("meeting-outcomes-pdf", args=[meeting.pk]))  # built (in tests, in the request)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("meeting-outcomes-pdf", args=[meeting.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    return len(queries)


# The meeting's outcomes PDF, once built: 1 session, 2 user, 3 the meeting and its chair, 4 the items
# with their cases and patients, 5 their current decisions (recorder, amended decision, meeting),
# 6 the decisions' sign-offs with the clinicians, 7 their follow-ups with the owners (the HTML whose
# digest names the PDF), 8 the PDF built from it, 9 one access record for all the cases. The same at
# 5 items and at 40.
OUTCOMES_PDF_QUERIES = 9


def test_it_prints_the_meeting_outcomes_in_the_same_queries_at_5_and_40_items(client):
    short = outcomes_queries(client, 5)
    long = outcomes_queries(client, 40)

    assert short == long <= OUTCOMES_PDF_QUERIES
