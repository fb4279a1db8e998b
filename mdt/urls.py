from django.urls import path

from mdt.views import decisions as decision_views
from mdt.views import documents as document_views
from mdt.views import follow_ups as follow_up_views
from mdt.views import meetings as meeting_views

urlpatterns = [
    path("meetings/", meeting_views.meeting_list, name="meeting-list"),
    path("meetings/<int:meeting_id>/", meeting_views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:meeting_id>/agenda.pdf", meeting_views.meeting_pdf, name="meeting-pdf"),
    path("meetings/<int:meeting_id>/calendar.ics", meeting_views.meeting_calendar, name="meeting-ics"),
    path("meetings/<int:meeting_id>/items/add/", meeting_views.agenda_add, name="agenda-add"),
    path("meetings/<int:meeting_id>/items/sort/", meeting_views.agenda_sort, name="agenda-sort"),
    path("meetings/<int:meeting_id>/items/suggest/", meeting_views.agenda_suggest, name="agenda-suggest"),
    path("meetings/<int:meeting_id>/attendance/", meeting_views.attendance, name="meeting-attendance"),
    path("meetings/<int:meeting_id>/items/<int:item_id>/move/", meeting_views.item_move, name="agenda-item-move"),
    path("meetings/<int:meeting_id>/items/<int:item_id>/", meeting_views.item_update, name="agenda-item-update"),
    path(
        "meetings/<int:meeting_id>/items/<int:item_id>/withdraw/",
        meeting_views.item_withdraw,
        name="agenda-item-withdraw",
    ),
    path(
        "meetings/<int:meeting_id>/items/<int:item_id>/prepared/",
        meeting_views.item_prepared,
        name="agenda-item-prepared",
    ),
]

urlpatterns += [
    path(
        "meetings/<int:meeting_id>/items/<int:item_id>/decision/",
        decision_views.item_decision,
        name="item-decision",
    ),
    path("meetings/<int:meeting_id>/outcomes.pdf", decision_views.meeting_outcomes_pdf, name="meeting-outcomes-pdf"),
    path("decisions/<int:decision_id>/", decision_views.decision_detail, name="decision-detail"),
    path("decisions/<int:decision_id>/sign/", decision_views.decision_sign, name="decision-sign"),
    path(
        "decisions/<int:decision_id>/signers/<int:signoff_id>/replace/",
        decision_views.decision_replace_signer,
        name="decision-replace-signer",
    ),
    path("decisions/<int:decision_id>/amend/", decision_views.decision_amend, name="decision-amend"),
    path("decisions/<int:decision_id>/letter.pdf", decision_views.decision_letter, name="decision-letter"),
    path("documents/<int:document_id>/status/", document_views.document_status, name="document-status"),
    path("cases/<int:case_id>/urgent-decision/", decision_views.urgent_decision_new, name="urgent-decision-new"),
]

urlpatterns += [
    path("follow-ups/", follow_up_views.follow_up_list, name="follow-up-list"),
    path("follow-ups/<int:follow_up_id>/complete/", follow_up_views.follow_up_complete, name="follow-up-complete"),
    path("follow-ups/<int:follow_up_id>/cancel/", follow_up_views.follow_up_cancel, name="follow-up-cancel"),
]
