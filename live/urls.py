from django.urls import path

from live import delivery_views, reports, standard_of_care_views, views

app_name = "live"

urlpatterns = [
    path("meetings/<int:meeting_id>/live/", views.live_page, name="page"),
    path("meetings/<int:meeting_id>/live/state/", views.live_state, name="state"),
    path("meetings/<int:meeting_id>/live/start/", views.live_start, name="start"),
    path("meetings/<int:meeting_id>/live/step/", views.live_step, name="step"),
    path("meetings/<int:meeting_id>/live/recording/", views.live_recording, name="recording"),
    path("meetings/<int:meeting_id>/live/outcome/", views.live_outcome, name="outcome"),
    path("meetings/<int:meeting_id>/live/check-in/", views.live_check_in, name="check-in"),
    path("meetings/<int:meeting_id>/live/confirm/", views.live_confirm, name="confirm"),
    path("meetings/<int:meeting_id>/live/end/", views.live_end, name="end"),
    path(
        "meetings/<int:meeting_id>/standard-of-care/",
        standard_of_care_views.standard_of_care_page,
        name="standard-of-care",
    ),
    path(
        "meetings/<int:meeting_id>/standard-of-care/<int:item_id>/",
        standard_of_care_views.standard_of_care_change,
        name="standard-of-care-change",
    ),
    path("meetings/<int:meeting_id>/trials/", standard_of_care_views.agenda_trials_page, name="agenda-trials"),
    path("decisions/<int:decision_id>/delivery/", delivery_views.delivery_page, name="delivery"),
    path("decisions/<int:decision_id>/delivery/record/", delivery_views.delivery_change, name="delivery-record"),
    path("decisions/<int:decision_id>/trials/", delivery_views.trials_page, name="trials"),
    path("decisions/<int:decision_id>/trials/record/", delivery_views.trials_change, name="trials-record"),
    path("reports/delivery/", delivery_views.delivery_report_page, name="delivery-report"),
    path("reports/meeting-time/", reports.meeting_time_report, name="time-report"),
]
