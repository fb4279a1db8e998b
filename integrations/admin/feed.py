from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts import policy
from integrations.hl7 import conflicts
from integrations.models import FeedConflict, FeedMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the feed only: nobody adds, changes or deletes a row here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(FeedMessage)
class FeedMessageAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "message_type", "control_id", "ack_code", "status", "needs_review", "patient_id"]
    list_filter = ["needs_review", "status", "ack_code", "message_type"]
    search_fields = ["control_id", "patient__mrn"]
    date_hierarchy = None
    show_full_result_count = False


@admin.register(FeedConflict)
class FeedConflictAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "patient", "field", "record_value", "feed_value", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "field"]
    search_fields = ["patient__mrn"]
    list_select_related = ["patient"]
    actions = ["keep_record_value", "apply_feed_value"]

    def _settle(self, request: HttpRequest, queryset: QuerySet[FeedConflict], apply_feed: bool) -> None:
        if not policy.can_resolve_feed_conflict(request.user):
            messages.error(request, "Only MDT coordinators settle conflicts with the PAS feed.")
            return
        settled = 0
        for conflict in queryset.filter(resolved_at__isnull=True):
            try:
                conflicts.feed_conflict_resolve(conflict_id=conflict.pk, apply_feed_value=apply_feed, user=request.user)
                settled += 1
            except conflicts.ConflictError as exc:
                messages.error(request, f"Conflict {conflict.pk}: {exc}")
        messages.success(request, f"{settled} conflict(s) settled.")

    @admin.action(description="Keep the record's value (the PAS is told nothing: correct it there too)")
    def keep_record_value(self, request: HttpRequest, queryset: QuerySet[FeedConflict]) -> None:
        self._settle(request, queryset, apply_feed=False)

    @admin.action(description="Apply the PAS feed's value to the record")
    def apply_feed_value(self, request: HttpRequest, queryset: QuerySet[FeedConflict]) -> None:
        self._settle(request, queryset, apply_feed=True)
