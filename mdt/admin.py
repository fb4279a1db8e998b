from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from mdt.models import Member, PeriodicRun

User = get_user_model()


class MemberInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Member
    can_delete = False
    extra = 0
    max_num = 1


admin.site.unregister(User)


@admin.register(User)
class TeamUserAdmin(UserAdmin):  # type: ignore[type-arg]
    """Users with their MDT role edited on the same page."""

    inlines = [MemberInline]
    list_display = ["username", "first_name", "last_name", "email", "team_role", "is_active"]
    list_select_related = ["member"]
    list_filter = ["member__role", "is_active", "is_staff"]

    @admin.display(description="MDT role", ordering="member__role")
    def team_role(self, obj: User) -> str:  # type: ignore[valid-type]
        member = getattr(obj, "member", None)
        return member.get_role_display() if member else "—"


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["__str__", "role", "job_title", "active"]
    list_filter = ["role", "active"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(PeriodicRun)
class PeriodicRunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "last_run_at"]
    readonly_fields = ["name", "last_run_at"]

    def has_add_permission(self, request: object) -> bool:
        return False
