"""Page benchmarks, each against its baseline: agenda, long lists, admin changelists, recording outcomes."""

from typing import Any
from unittest import mock

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from bench.harness import Comparison, measure
from cases.models import Case, Patient, Scan
from cases.selectors import patient_search, scans_pending_review
from core.paginators import Keyset
from mdt.models import AgendaItem, Decision, FollowUp, Meeting, Member, SignOff
from mdt.services import decisions

PAGE = 50


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _get(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)


# 1. The agenda page at 60 cases -----------------------------------------------------------------------


def _naive_items(meeting: Meeting) -> list[AgendaItem]:
    """The same agenda rows fetched the obvious way: no select_related or prefetch_related, every relation
    (case, patient, scans, scores, preparations, earlier listings) loaded lazily for each case."""
    items = list(meeting.items.order_by("position", "id"))
    for item in items:
        earlier = AgendaItem.objects.filter(case_id=item.case_id, meeting__starts_at__lt=meeting.starts_at)
        item.case.earlier_items = list(earlier.order_by("-meeting__starts_at"))  # type: ignore[attr-defined]
    return items


def _floor_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """A bare view: the agenda's rows in one raw SQL query, written out as plain text."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.position, p.mrn, p.family_name, p.given_name, c.presentation, c.frankel_grade, c.karnofsky,
                   (SELECT s.report FROM cases_scan s WHERE s.case_id = c.id ORDER BY s.requested_at DESC LIMIT 1)
            FROM mdt_agendaitem i JOIN cases_case c ON c.id = i.case_id JOIN cases_patient p ON p.id = c.patient_id
            WHERE i.meeting_id = %s ORDER BY i.position
            """,
            [meeting_id],
        )
        rows = cursor.fetchall()
    return HttpResponse("\n".join(" | ".join(str(v) for v in row) for row in rows))


def agenda(repeats: int) -> Comparison:
    meeting = Meeting.objects.filter(status=Meeting.Status.SCHEDULED).order_by("-starts_at").first()
    assert meeting is not None, "seed_scale makes an upcoming meeting"
    client = _client("bench-oncologist")
    url = f"/meetings/{meeting.pk}/"
    request = RequestFactory().get(url)

    def naive() -> None:
        with mock.patch("mdt.selectors.agenda_items", _naive_items):
            _get(client, url)

    measures = measure(
        {
            "ours": lambda: _get(client, url),
            "naive (no select/prefetch)": naive,
            "floor (bare view, raw SQL)": lambda: _floor_view(request, meeting.pk),
        },
        repeats=repeats,
    )
    return Comparison(f"Agenda page, {meeting.items.count()} cases", measures)


# 2. Long lists: first and deep page ------------------------------------------------------------------


def _deep_anchor(queryset: Any, ordering: list[str], position: int) -> int:
    return queryset.order_by(*ordering).values_list("pk", flat=True)[position]


def lists(repeats: int) -> list[Comparison]:
    comparisons = []
    for title, queryset, ordering in (
        ("Patient list", patient_search(query=""), ["family_name", "given_name", "id"]),
        ("MRI review worklist", scans_pending_review(), ["performed_at", "id"]),
    ):
        total = queryset.count()
        deep_page = max(1, (total // PAGE) * 9 // 10)  # 90% of the way down
        anchor = _deep_anchor(queryset, ordering, deep_page * PAGE - 1)
        paginator = Paginator(queryset.order_by(*ordering), PAGE)

        def django_page(number: int, paginator: Paginator = paginator) -> None:
            paginator.count  # noqa: B018 - Paginator counts on every request: a new one per request
            paginator.__dict__.pop("count", None)
            list(paginator.page(number).object_list)

        comparisons.append(
            Comparison(
                f"{title} ({total:,} rows): page {deep_page + 1:,} vs page 1",
                measure(
                    {
                        "ours, page 1 (keyset)": lambda q=queryset, o=ordering: list(Keyset(q, o, None, PAGE)),
                        "ours, deep page (keyset)": lambda q=queryset, o=ordering, a=anchor: list(
                            Keyset(q, o, a, PAGE)
                        ),
                        "Django Paginator, page 1": lambda: django_page(1),
                        "Django Paginator, deep page": lambda n=deep_page + 1: django_page(n),
                    },
                    repeats=repeats,
                ),
            )
        )
    return comparisons


# 3. Admin changelists against a stock ModelAdmin ------------------------------------------------------


class StockPatientAdmin(admin.ModelAdmin):
    list_display = ["mrn", "family_name", "given_name", "nhs_number", "date_of_birth", "primary_site", "died_on"]
    list_filter = ["primary_site"]
    search_fields = ["mrn", "nhs_number", "family_name", "given_name"]


class StockScanAdmin(admin.ModelAdmin):
    list_display = ["id", "case", "modality", "requested_at", "performed_at", "escc_grade", "reviewed_by"]
    list_filter = ["modality", "escc_grade"]


def admin_lists(repeats: int) -> list[Comparison]:
    user = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
        "bench-admin", "bench@example.org", "bench-only-password-2026"
    )
    stock_site = admin.AdminSite(name="stock")
    comparisons = []
    for model, stock_class in ((Patient, StockPatientAdmin), (Scan, StockScanAdmin)):
        ours = admin.site._registry[model]
        stock = stock_class(model, stock_site)

        def changelist(model_admin: Any) -> None:
            request = RequestFactory().get("/")
            request.user = user
            response = model_admin.changelist_view(request)
            response.render()

        comparisons.append(
            Comparison(
                f"Admin changelist: {model._meta.verbose_name_plural} ({model.objects.count():,} rows)",
                measure(
                    {"ours": lambda a=ours: changelist(a), "stock ModelAdmin": lambda a=stock: changelist(a)},
                    repeats=repeats,
                ),
            )
        )
    return comparisons


# 5. Recording a 40-case meeting's outcomes -----------------------------------------------------------


def _outcomes_one_row_at_a_time(
    items: list[AgendaItem], user: Any, oncologist: Member, surgeon: Member, rollback: type[Exception]
) -> None:
    """The naive way: each row saved on its own, with its own history row."""
    try:
        with transaction.atomic():
            Decision.objects.filter(agenda_item__in=items).delete()
            for item in items:
                case = Case.objects.get(pk=item.case_id)
                decision = Decision(
                    case=case,
                    agenda_item=item,
                    treatments=["cebrt"],
                    intent="palliative",
                    rationale="Benchmark.",
                    patient_preferences_considered=True,
                    recorded_by=user,
                )
                decision.save()
                for member in (oncologist, surgeon):
                    SignOff(decision=decision, member=member).save()
                FollowUp(
                    case=case, decision=decision, kind="repeat_mri", due_on=timezone.localdate(), owner=oncologist
                ).save()
                item.status = AgendaItem.Status.DISCUSSED
                item.save()
                case.status = "decided"
                case.decision_to_treat_at = decision.decided_at
                case.save()
            raise rollback
    except rollback:
        pass


def outcomes(repeats: int) -> Comparison:
    """Each variant records every outcome of a 40-case meeting in a transaction that is rolled back."""
    meeting = Meeting.objects.filter(status=Meeting.Status.CONCLUDED).order_by("-starts_at").first()
    assert meeting is not None
    items = list(meeting.items.order_by("position")[:40])
    oncologist = Member.objects.get(role=Member.Role.ONCOLOGIST)
    surgeon = Member.objects.get(role=Member.Role.SPINAL_SURGEON)
    user = get_user_model().objects.get(username="bench-mdt_coordinator")
    data = decisions.DecisionInput(
        treatments=["cebrt"],
        no_treatment=False,
        intent="palliative",
        rationale="Benchmark.",
        patient_preferences_considered=True,
        responsible_member_ids=[oncologist.pk, surgeon.pk],
        follow_ups=[{"kind": "repeat_mri", "due_on": timezone.localdate(), "owner_id": oncologist.pk}],
    )

    class Rollback(Exception):
        pass

    def ours() -> None:
        try:
            with transaction.atomic():
                Decision.objects.filter(agenda_item__in=items).delete()
                for item in items:
                    decisions.decision_record(item_id=item.pk, user=user, data=data)
                raise Rollback
        except Rollback:
            pass

    def one_row_at_a_time() -> None:
        _outcomes_one_row_at_a_time(items, user, oncologist, surgeon, Rollback)

    return Comparison(
        "Record a 40-case meeting's outcomes",
        measure({"ours": ours, "one row at a time, per-row history": one_row_at_a_time}, repeats=repeats, warmup=1),
        notes=["Queries are for the whole meeting; divide by 40 for one save."],
    )
