"""Referrals in the coordinators' workspace: referring organisations, referrer accounts (approve them),
and referrals read-only (every change to a referral goes through its services, from the triage pages)."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.utils import timezone

from accounts.policy import COORDINATOR_ROLES
from core.admin import SafeHistoryAdmin
from core.concurrency import VersionedFormMixin
from referrals.models import DutyShift, Organisation, Referral, Referrer
from referrals.services.signup import referrer_approve


class OrganisationForm(VersionedFormMixin):
    class Meta:
        model = Organisation
        fields = ["name", "ods_code", "region", "is_service", "active"]


class ReferrerForm(VersionedFormMixin):
    class Meta:
        model = Referrer
        fields = ["organisation", "job_title", "phone"]


class DutyShiftForm(VersionedFormMixin):
    class Meta:
        model = DutyShift
        fields = ["coordinator", "starts_at", "ends_at", "note"]


@admin.register(Organisation)
class OrganisationAdmin(SafeHistoryAdmin):
    form = OrganisationForm
    list_display = ["name", "ods_code", "region", "is_service", "active"]
    list_filter = ["active", "is_service", "region"]
    search_fields = ["name", "ods_code"]


@admin.register(Referrer)
class ReferrerAdmin(SafeHistoryAdmin):
    form = ReferrerForm
    list_display = ["__str__", "organisation", "job_title", "email_confirmed_at", "approved_at"]
    list_filter = ["organisation", ("approved_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__last_name", "user__email", "organisation__name"]
    list_select_related = ["user", "organisation"]
    readonly_fields = ["user", "email_confirmed_at", "approved_at", "approved_by", "created_at"]
    fields = ["user", "organisation", "job_title", "phone", *readonly_fields[1:], "loaded_version"]
    actions = ["approve"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # referrers sign up themselves (and confirm their email)

    @admin.action(description="Approve the selected referrers", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Referrer]) -> None:
        for referrer in queryset:
            referrer_approve(referrer_id=referrer.pk, user=request.user)
        messages.success(request, f"{queryset.count()} referrer(s) approved.")


@admin.register(Referral)
class ReferralAdmin(SafeHistoryAdmin):
    list_display = ["__str__", "status", "organisation", "family_name", "submitted_at"]
    list_filter = ["status", "organisation"]
    search_fields = ["reference", "nhs_number", "family_name", "local_mrn"]
    list_select_related = ["organisation"]
    date_hierarchy = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # triage, advice, accept and decline are services, on the referral's page

    def view_on_site(self, obj: Referral) -> str:
        return obj.get_absolute_url()


@admin.register(DutyShift)
class DutyShiftAdmin(SafeHistoryAdmin):
    """The rota: who answers new referrals from when to when (the model refuses anyone but an active coordinator)."""

    list_display = ["coordinator", "starts_at", "ends_at", "on_duty_now", "note"]
    list_filter = ["coordinator"]
    list_select_related = ["coordinator"]
    search_fields = ["coordinator__last_name", "coordinator__first_name", "coordinator__username"]
    date_hierarchy = "starts_at"
    form = DutyShiftForm
    fields = ["coordinator", "starts_at", "ends_at", "note", "loaded_version"]

    @admin.display(boolean=True, description="on duty now")
    def on_duty_now(self, obj: DutyShift) -> bool:
        return obj.starts_at <= timezone.now() < obj.ends_at

    def formfield_for_foreignkey(self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "coordinator":
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(is_active=True, member__active=True, member__role__in=COORDINATOR_ROLES)
                .order_by("last_name", "first_name")
            )
        field: ModelChoiceField[Any] = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return field
