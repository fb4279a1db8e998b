from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from accounts import policy
from core.admin_actions import SeenVersionsMixin
from core.concurrency import edited_by
from core.forms import errors_text
from integrations.hl7 import conflicts, review
from integrations.models import FeedConflict, FeedMessage
from integrations.models.feed import REVIEW_NOTE_MAX


class ReadOnlyAdmin(SeenVersionsMixin, admin.ModelAdmin):
    """Written by the feed only: nobody adds, changes or deletes a row here (its actions act on rows as shown)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("needed", "Needs review"), ("reviewed", "Reviewed")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[FeedMessage]) -> QuerySet[FeedMessage]:
        if self.value() == "needed":
            return queryset.filter(needs_review=True)
        if self.value() == "reviewed":
            return queryset.filter(reviewed_at__isnull=False)
        return queryset


class ReviewForm(forms.Form):
    review_note = forms.CharField(
        label="What was done",
        max_length=REVIEW_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="e.g. delivery entered by hand, code added to the mapping.",
        error_messages={"required": review.NOTE_NEEDED},
    )


@admin.register(FeedMessage)
class FeedMessageAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "message_type", "control_id", "ack_code", "status", "needs_review", "reviewed_at",
                    "patient_id"]  # fmt: skip
    list_filter = [ReviewFilter, "status", "ack_code", "message_type"]
    search_fields = ["control_id", "patient__mrn"]
    date_hierarchy = None
    show_full_result_count = False
    actions = ["mark_feed_reviewed"]

    def has_review_permission(self, request: HttpRequest) -> bool:
        return policy.can_review_feed_message(request.user)

    def action_change_detail(self, obj: FeedMessage) -> list[str]:
        return [f"reviewed by {edited_by([obj.reviewed_by], obj.reviewed_at)}"] if obj.reviewed_at else []

    @admin.action(description="Mark reviewed, saying what was done", permissions=["review"])
    def mark_feed_reviewed(self, request: HttpRequest, queryset: QuerySet[FeedMessage]) -> TemplateResponse | None:
        """Asks for the note on a page of its own (the selected messages needing review), then marks each."""
        if not policy.can_review_feed_message(request.user):
            messages.error(request, "Only MDT coordinators review messages from the PAS feed.")
            return None
        waiting = list(queryset.filter(needs_review=True))
        if not waiting:
            messages.error(request, "None of the selected messages needs review.")
            return None
        form = ReviewForm(request.POST if "review_note" in request.POST else None)
        if form.is_valid():
            done = 0
            for message in waiting:
                try:
                    review.feed_message_review(
                        message_id=message.pk, user=request.user, note=form.cleaned_data["review_note"]
                    )
                    done += 1
                except ValidationError as exc:
                    messages.error(request, f"Message {message.pk}: {errors_text(exc)}")
            messages.success(request, f"{done} message(s) marked reviewed.")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Mark feed messages reviewed",
            "opts": self.model._meta,
            "form": form,
            "waiting": waiting,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/integrations/feedmessage/review.html", context)


@admin.register(FeedConflict)
class FeedConflictAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "patient", "field", "record_value", "feed_value", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "field"]
    search_fields = ["patient__mrn"]
    list_select_related = ["patient"]
    actions = ["keep_record_value", "apply_feed_value"]

    def action_change_detail(self, obj: FeedConflict) -> list[str]:
        if not obj.resolved_at:
            return []
        return [f"settled by {edited_by([obj.resolved_by], obj.resolved_at)}: {obj.resolution}"]

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
