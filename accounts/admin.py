from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest

from accounts.models import AccessRecord, SignInRecord
from core.admin_actions import SeenVersionsMixin
from core.concurrency import HistoryVersionedFormMixin
from core.paginators import EstimatedCountPaginator


class RoleGroupForm(HistoryVersionedFormMixin):
    """A role group's permissions are access: a form opened before someone else changed them is refused.
    The group is Django's model (no version column): its version is its newest history row."""

    class Meta:
        model = Group
        fields = ["name", "permissions"]


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(SeenVersionsMixin, GroupAdmin):
    form = RoleGroupForm


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """Who opened which patient's record: for auditors (the Read-only role), never edited."""

    list_display = ["at", "user", "kind", "patient_id", "case_id", "referral_id"]
    list_filter = ["kind", ("at", admin.DateFieldListFilter), "user"]
    list_select_related = ["user"]
    search_fields = ["=patient_id", "=referral_id"]
    search_help_text = "Patient id or referral id: the number in the address of the patient's or the referral's page."
    show_full_result_count = False
    paginator = EstimatedCountPaginator  # the table grows with every page view: never count it all
    list_per_page = 100
    fields = ["at", "user", "kind", "patient_id", "case_id", "referral_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SignInRecord)
class SignInRecordAdmin(admin.ModelAdmin):
    """Sign-ins, failures, second factors set up and reset: for auditors, filtered by how people signed in."""

    list_display = ["at", "user", "event", "method", "by", "detail"]
    list_filter = ["method", "event", ("at", admin.DateFieldListFilter)]
    list_select_related = ["user", "by"]
    search_fields = ["=user__username"]
    search_help_text = "Username, exactly."
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 100
    fields = ["at", "user", "event", "method", "by", "detail"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
