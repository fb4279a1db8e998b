"""The recipient's actions on a reminder from the dashboard. Anyone else gets a 404."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from reminders.forms import SnoozeForm
from reminders.models import Reminder
from reminders.services import reminder_mark_done, reminder_snooze

SNOOZE_LABELS = {"day": "a day", "week": "a week"}


def _mrn(reminder: Reminder) -> str:
    return f", MRN {reminder.case.patient.mrn}" if reminder.case_id and reminder.case else ""


def _get_reminder_for_user(request: HttpRequest, reminder_id: int) -> Reminder:
    return get_object_or_404(Reminder, pk=reminder_id, recipient_id=request.user.pk)


@require_POST
def reminder_done(request: HttpRequest, reminder_id: int) -> HttpResponse:
    reminder = reminder_mark_done(reminder=_get_reminder_for_user(request, reminder_id))
    messages.success(request, f"Reminder hidden: {reminder.get_kind_display()}{_mrn(reminder)}.")
    return redirect("dashboard")


@require_POST
def reminder_snooze_view(request: HttpRequest, reminder_id: int) -> HttpResponse:
    reminder = _get_reminder_for_user(request, reminder_id)
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Snooze for a day or a week.")
    period = form.cleaned_data["period"]
    reminder_snooze(reminder=reminder, period=period)
    messages.success(
        request, f"Reminder snoozed for {SNOOZE_LABELS[period]}: {reminder.get_kind_display()}{_mrn(reminder)}."
    )
    return redirect("dashboard")
