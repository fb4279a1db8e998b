from django.urls import path

from reminders import views

urlpatterns = [
    path("reminders/<int:reminder_id>/done/", views.reminder_done, name="reminder-done"),
    path("reminders/<int:reminder_id>/snooze/", views.reminder_snooze_view, name="reminder-snooze"),
]
