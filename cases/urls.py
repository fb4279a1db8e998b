from django.urls import path

from cases import views

urlpatterns = [
    path("patients/", views.patient_list, name="patient-list"),
    path("patients/<int:patient_id>/", views.patient_detail, name="patient-detail"),
    path("cases/<int:case_id>/", views.case_detail, name="case-detail"),
    path("cases/<int:case_id>/scores/<str:kind>/new/", views.assessment_new, name="assessment-new"),
    path("cases/<int:case_id>/noms-inputs/", views.noms_inputs_update, name="noms-inputs-update"),
    path("scans/<int:scan_id>/review/", views.scan_review, name="scan-review"),
    path("scans/<int:scan_id>/unreview/", views.scan_unreview, name="scan-unreview"),
    path("scans/pending-review/", views.scans_pending_review, name="scans-pending-review"),
]
