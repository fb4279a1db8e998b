from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin import SafeHistoryAdmin
from core.concurrency import VersionedFormMixin
from integrations import services
from integrations.models import ApiClient
from integrations.models.api import RESOURCE_TYPES


class ApiClientForm(VersionedFormMixin):
    scopes = forms.MultipleChoiceField(
        choices=[(name, name) for name in RESOURCE_TYPES],
        widget=forms.CheckboxSelectMultiple,
        help_text="The FHIR resource types this system may read.",
    )

    class Meta:
        model = ApiClient
        fields = ["name", "scopes", "active"]


@admin.register(ApiClient)
class ApiClientAdmin(SafeHistoryAdmin):
    form = ApiClientForm
    list_display = ["name", "token_prefix", "scope_list", "active", "last_used_at"]
    readonly_fields = ["token_prefix", "user", "created_at", "last_used_at"]
    actions = ["issue_new_token"]

    @admin.display(description="scopes")
    def scope_list(self, obj: ApiClient) -> str:
        return ", ".join(obj.scopes)

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token = services.api_client_issue(client=obj)
        messages.warning(request, f"The token for {obj.name} (shown once, copy it now): {token}")

    @admin.action(description="Issue a new token (the old one stops working)")
    def issue_new_token(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset:
            token = services.api_client_rotate(client=client)
            messages.warning(request, f"The new token for {client.name} (shown once, copy it now): {token}")
