"""The workspace pages of the sign-in app: superusers only (no role grants these permissions).

A reset is *added*: the add form of "Second-factor resets" asks for the user and the reason,
and saving it runs `signin.services.second_factor_reset`.
"""

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from core.admin import SafeHistoryAdmin
from signin.models import Passkey, ProviderIdentity, SecondFactorReset, TotpDevice
from signin.services import second_factor_reset


@admin.register(SecondFactorReset)
class SecondFactorResetAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "performed_by", "removed", "reason"]
    list_select_related = ["user", "performed_by"]
    autocomplete_fields = ["user"]
    fields = ["user", "reason"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["at", "user", "performed_by", "removed", "reason"] if obj else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["at", "user", "performed_by", "removed", "reason"] if obj else ["user", "reason"]

    def save_model(self, request: HttpRequest, obj: SecondFactorReset, form: ModelForm, change: bool) -> None:
        done = second_factor_reset(user=obj.user, performed_by=request.user, reason=obj.reason)
        obj.pk, obj.performed_by, obj.removed, obj.at = done.pk, done.performed_by, done.removed, done.at

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyHistoryAdmin(SafeHistoryAdmin):
    """Seen (and their history), never edited here: users set them up themselves; resets remove them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TotpDevice)
class TotpDeviceAdmin(ReadOnlyHistoryAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_select_related = ["user"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]


@admin.register(Passkey)
class PasskeyAdmin(ReadOnlyHistoryAdmin):
    list_display = ["user", "name", "created_at", "last_used_at"]
    list_select_related = ["user"]
    fields = ["user", "name", "created_at", "last_used_at"]


@admin.register(ProviderIdentity)
class ProviderIdentityAdmin(ReadOnlyHistoryAdmin):
    list_display = ["user", "issuer", "subject", "created_at", "last_signed_in_at"]
    list_select_related = ["user"]
    search_fields = ["=subject", "user__username"]
    fields = ["user", "issuer", "subject", "created_at", "last_signed_in_at"]
