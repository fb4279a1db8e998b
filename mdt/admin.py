from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.base_user import AbstractBaseUser

from mdt.models import Member, PeriodicRun

User = get_user_model()


class MemberInline(admin.StackedInline):
    model = Member
    can_delete = False
    extra = 0
    max_num = 1


admin.site.unregister(User)


@admin.register(User)
class TeamUserAdmin(UserAdmin):
    """Users with their MDT role edited on the same page."""

    inlines = [MemberInline]
    list_display = ["username", "first_name", "last_name", "email", "team_role", "is_active"]
    list_select_related = ["member"]
    list_filter = ["member__role", "is_active", "is_staff"]

    @admin.display(description="MDT role", ordering="member__role")
    def team_role(self, obj: AbstractBaseUser) -> str:
        member = getattr(obj, "member", None)
        return member.get_role_display() if member else "—"


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["__str__", "role", "job_title", "active"]
    list_filter = ["role", "active"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(PeriodicRun)
class PeriodicRunAdmin(admin.ModelAdmin):
    list_display = ["name", "last_run_at"]
    readonly_fields = ["name", "last_run_at"]

    def has_add_permission(self, request: object) -> bool:
        return False
