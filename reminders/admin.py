"""The outbox in the coordinators' workspace: read-only, filterable, and failed rows can be resent."""

import datetime as dt
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html

from accounts import policy
from core.admin_actions import SeenVersionsMixin
from reminders import emails
from reminders.kinds import KINDS
from reminders.models import Reminder
from reminders.services import reminder_resend


class DueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "due"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("overdue", "Due and not sent"),
            ("next_24h", "In the next 24 hours"),
            ("later", "Later"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Reminder]) -> QuerySet[Reminder]:
        now = timezone.now()
        match self.value():
            case "overdue":
                unsent = (Reminder.Status.PENDING, Reminder.Status.SENDING, Reminder.Status.FAILED)
                return queryset.filter(due_at__lte=now, status__in=unsent)
            case "next_24h":
                return queryset.filter(due_at__gt=now, due_at__lte=now + dt.timedelta(hours=24))
            case "later":
                return queryset.filter(due_at__gt=now + dt.timedelta(hours=24))
        return queryset


@admin.register(Reminder)
class ReminderAdmin(SeenVersionsMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "level",
        "recipient",
        "recipient_email",
        "mrn",
        "due_at",
        "status",
        "attempts",
        "sent_at",
    )
    list_filter = ("kind", "status", DueFilter)
    list_select_related = ("recipient", "case__patient")
    search_fields = ("=case__patient__mrn",)
    search_help_text = "Search by MRN (the hospital number)."
    ordering = ("-due_at", "-id")
    actions = ["resend"]
    fieldsets = [
        (
            None,
            {
                "fields": (
                    "kind",
                    "level",
                    "recipient",
                    "recipient_email",
                    "about",
                    "email_subject",
                    "due_at",
                    "dedupe_key",
                )
            },
        ),
        ("Delivery", {"fields": ("status", "status_reason", "attempts", "claims", "claimed_at", "sent_at")}),
        ("Recipient's list", {"fields": ("done_at", "snoozed_until")}),
    ]
    readonly_fields = (
        "kind",
        "level",
        "recipient",
        "recipient_email",
        "about",
        "email_subject",
        "due_at",
        "dedupe_key",
        "status",
        "status_reason",
        "attempts",
        "claims",
        "claimed_at",
        "sent_at",
        "done_at",
        "snoozed_until",
    )

    # Rows are written by the sweep and the send task only.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Reminder | None = None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return policy.can_resend_reminder(request.user)

    def action_change_detail(self, obj: Reminder) -> list[str]:
        return [f"now {obj.get_status_display().lower()}, changed at {timezone.localtime(obj.updated_at):%d %b %H:%M}"]

    @admin.display(description="MRN", ordering="case__patient__mrn")
    def mrn(self, obj: Reminder) -> str:
        return obj.case.patient.mrn if obj.case else "—"

    @admin.display(description="about")
    def about(self, obj: Reminder) -> str:
        kind = KINDS[obj.kind]
        if getattr(obj, f"{kind.subject}_id") is None:
            return f"{kind.subject.replace('_', ' ')} deleted"
        subject_id = getattr(obj, f"{kind.subject}_id")
        return format_html('<a href="{}">{} {}</a>', kind.path(obj), kind.subject.replace("_", " "), subject_id)

    @admin.display(description="email subject")
    def email_subject(self, obj: Reminder) -> str:
        try:
            reminder = Reminder.objects.select_related(*emails.RELATED).get(pk=obj.pk)
            return emails.render(reminder).subject
        except Exception as exc:  # the page must open even when the email cannot be rendered
            return f"(cannot be rendered: {type(exc).__name__})"

    @admin.action(permissions=["resend"], description="Resend the selected failed reminders")
    def resend(self, request: HttpRequest, queryset: QuerySet[Reminder]) -> None:
        selected = list(queryset.values_list("pk", flat=True))
        resent = reminder_resend(reminder_ids=selected, user=request.user)
        if resent:
            self.message_user(request, f"{resent} reminder{'s' if resent != 1 else ''} queued to be sent again.")
        if resent < len(selected):
            self.message_user(
                request, f"{len(selected) - resent} not resent: only failed reminders can be resent.", messages.WARNING
            )
