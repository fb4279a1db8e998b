import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from accounts.roles import assign_role
from cases.admin.search import PatientSearchMixin
from cases.services import case_follow_events
from cases.status import CaseEvent
from core.admin import BoundedInlineMixin, FastChangelistMixin, SafeAutocompleteMixin, SafeHistoryAdmin
from core.admin_actions import SeenVersionsMixin
from core.concurrency import HistoryVersionedFormMixin, VersionedFormMixin
from core.forms import add_service_errors
from mdt.forms.meetings import WeeklyMeetingsForm
from mdt.models import AgendaItem, Attendance, Meeting, Member, PeriodicRun, quorum_of
from mdt.services.agenda import WeeklySchedule, meetings_schedule_weekly

User = get_user_model()


class MemberForm(VersionedFormMixin):
    class Meta:
        model = Member
        fields = ["user", "role", "job_title", "active"]


class MemberInline(BoundedInlineMixin, admin.StackedInline):
    model = Member
    form = MemberForm
    can_delete = False
    extra = 0
    max_num = 1


admin.site.unregister(User)


class TeamUserChangeForm(HistoryVersionedFormMixin, UserChangeForm):
    """The user is Django's model (no version column): its version is its newest history row."""


@admin.register(User)
class TeamUserAdmin(SafeHistoryAdmin, UserAdmin):
    """Users with their MDT role edited on the same page."""

    form = TeamUserChangeForm
    inlines = [MemberInline]
    list_display = ["username", "first_name", "last_name", "email", "team_role", "is_active"]
    list_select_related = ["member"]
    list_filter = ["member__role", "is_active", "is_staff"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets  # the add form: username and password only
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "loaded_version"]}), *rest]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Stamped at each sign-in and kept out of history: shown, never put back by a form opened before.
        return [*super().get_readonly_fields(request, obj), "last_login"]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        member = Member.objects.filter(user=form.instance).first()
        if member is not None:
            assign_role(form.instance, member.role)  # the role decides the groups (accounts.roles)

    @admin.display(description="MDT role", ordering="member__role")
    def team_role(self, obj: AbstractBaseUser) -> str:
        member = getattr(obj, "member", None)
        return member.get_role_display() if member else "—"


@admin.register(Member)
class MemberAdmin(SafeHistoryAdmin):
    form = MemberForm
    list_display = ["__str__", "role", "job_title", "active"]
    list_filter = ["role", "active"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]

    def save_model(self, request: HttpRequest, obj: Member, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        assign_role(obj.user, obj.role)  # the role decides the groups (accounts.roles)


@admin.register(PeriodicRun)
class PeriodicRunAdmin(SeenVersionsMixin, admin.ModelAdmin):
    list_display = ["name", "last_run_at"]
    readonly_fields = ["name", "last_run_at"]

    def has_add_permission(self, request: object) -> bool:
        return False


# --------------------------------------------------------------------------- meetings


class AgendaItemForm(VersionedFormMixin):
    class Meta:
        model = AgendaItem
        fields = [
            "meeting", "case", "position", "question", "presenter", "status", "source", "late_reason",
            "outcome_reason",
        ]  # fmt: skip


class AgendaItemInline(BoundedInlineMixin, SafeAutocompleteMixin, admin.TabularInline):
    model = AgendaItem
    form = AgendaItemForm
    fields = ["case", "position", "question", "presenter", "status", "source", "late_reason", "loaded_version"]
    autocomplete_fields = ["case", "presenter"]
    show_change_link = True
    extra = 0
    ordering = ["position", "id"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}

    def get_queryset(self, request: HttpRequest) -> QuerySet[AgendaItem]:
        return super().get_queryset(request).select_related("case__patient", "presenter__user")


class AttendanceAdminForm(VersionedFormMixin):
    class Meta:
        model = Attendance
        fields = ["meeting", "member", "present"]


class AttendanceInline(BoundedInlineMixin, SafeAutocompleteMixin, admin.TabularInline):
    model = Attendance
    form = AttendanceAdminForm
    fields = ["member", "present", "loaded_version"]
    autocomplete_fields = ["member"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attendance]:
        return super().get_queryset(request).select_related("member__user")


def _role_present(role: str) -> Exists:
    return Exists(Attendance.objects.filter(meeting=OuterRef("pk"), present=True, member__role=role))


class MeetingForm(VersionedFormMixin):
    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "ends_at", "agenda_closes_at", "status", "location", "video_link", "chair"]


@admin.register(Meeting)
class MeetingAdmin(FastChangelistMixin, SafeHistoryAdmin):
    form = MeetingForm
    list_display = ["starts_at", "title", "status", "agenda_closes_at", "cases", "quorate"]
    list_filter = ["status"]
    list_select_related = ["chair__user"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at", "-id"]
    search_fields = ["title", "location"]
    autocomplete_fields = ["chair"]
    inlines = [AgendaItemInline, AttendanceInline]
    fieldsets = [
        (None, {"fields": ["title", ("starts_at", "ends_at"), "agenda_closes_at", "status", "loaded_version"]}),
        ("Where and who", {"fields": ["location", "video_link", "chair"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Meeting]:
        # Counts and quorum as subqueries on the page's rows, so the list costs the same at any size.
        return (
            super()
            .get_queryset(request)
            .annotate(
                case_count=Count("items", filter=~Q(items__status=AgendaItem.Status.WITHDRAWN)),
                **{f"has_{role}": _role_present(role) for role in Member.QUORUM_ROLES},
            )
        )

    @admin.display(description="Cases")
    def cases(self, obj: Meeting) -> int:
        return int(getattr(obj, "case_count", 0))

    @admin.display(description="Quorate", boolean=True)
    def quorate(self, obj: Meeting) -> bool:
        return all(getattr(obj, f"has_{role}", False) for role in Member.QUORUM_ROLES)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        added: list[AgendaItem] = []
        for inline_form in formset.forms:
            item = inline_form.instance
            if isinstance(item, AgendaItem) and item.pk is None and inline_form.has_changed():
                item.added_by = request.user
                added.append(item)
        super().save_formset(request, form, formset, change)
        for item in added:  # listed here as on the agenda page: the case is awaiting the MDT
            if item.pk is not None and item.status == AgendaItem.Status.LISTED:
                case_follow_events(case_id=item.case_id, events=[CaseEvent.LISTED], user=request.user)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        meeting = form.instance
        roles = meeting.attendances.filter(present=True).values_list("member__role", flat=True)
        quorum = quorum_of(roles)
        if meeting.attendances.exists() and not quorum.met:
            # Never silently accepted: the coordinator is told, and the meeting page flags it.
            missing = ", no ".join(quorum.missing_labels)
            messages.warning(request, f"This meeting is NOT quorate: no {missing} present.")

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path(
                "schedule-weekly/",
                self.admin_site.admin_view(self.schedule_weekly_view),
                name="mdt_meeting_schedule_weekly",
            )
        ]
        return custom + super().get_urls()

    def schedule_weekly_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = WeeklyMeetingsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            schedule = WeeklySchedule(
                first_date=data["first_date"],
                starts=data["starts"],
                duration=dt.timedelta(minutes=data["duration_minutes"]),
                weeks=data["weeks"],
                agenda_closes_days_before=data["agenda_closes_days_before"],
                agenda_closes=data["agenda_closes"],
                title=data["title"],
                location=data["location"],
                video_link=data["video_link"],
                chair=data["chair"],
            )
            try:
                created, existing = meetings_schedule_weekly(schedule=schedule, user=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                note = f" {len(existing)} already scheduled at that time were left as they were." if existing else ""
                messages.success(request, f"{len(created)} weekly meeting(s) scheduled.{note}")
                return redirect("admin:mdt_meeting_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Schedule weekly meetings",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/mdt/meeting/schedule_weekly.html", context)


@admin.register(AgendaItem)
class AgendaItemAdmin(PatientSearchMixin, FastChangelistMixin, SafeHistoryAdmin):
    patient_path = "case__patient"
    form = AgendaItemForm
    list_display = ["id", "meeting", "patient", "position", "status", "source", "added_late"]
    list_select_related = ["meeting", "case__patient"]
    list_filter = ["status", "source", "added_late"]
    search_fields = ["=case__patient__mrn"]  # the box only: PatientSearchMixin searches
    search_help_text = "Patient MRN, NHS number or the start of the family name."
    autocomplete_fields = ["meeting", "case", "presenter"]
    readonly_fields = ["added_late", "added_by", "created_at"]
    ordering = ["-meeting__starts_at", "position", "id"]

    @admin.display(description="Patient", ordering="case__patient__family_name")
    def patient(self, obj: AgendaItem) -> str:
        return obj.case.patient.display_name

    def get_readonly_fields(self, request: HttpRequest, obj: AgendaItem | None = None) -> list[str]:
        # A listed item keeps its case and meeting (AgendaItem.clean): a decision stays beside its patient.
        fixed = ["meeting", "case"] if obj is not None else []
        return [*super().get_readonly_fields(request, obj), *fixed]

    def save_model(self, request: HttpRequest, obj: AgendaItem, form: Any, change: bool) -> None:
        if not change:
            obj.added_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
        if not change and obj.status == AgendaItem.Status.LISTED:
            case_follow_events(case_id=obj.case_id, events=[CaseEvent.LISTED], user=request.user)


@admin.register(Attendance)
class AttendanceAdmin(SafeHistoryAdmin):
    form = AttendanceAdminForm
    list_display = ["meeting", "member", "present"]
    list_select_related = ["meeting", "member__user"]
    list_filter = ["present", "member__role"]
    autocomplete_fields = ["meeting", "member"]
