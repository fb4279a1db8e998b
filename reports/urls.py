from django.urls import path

from reports import views

urlpatterns = [
    path("reports/", views.report_page, name="report"),
    path("reports/breaches/<str:measure>/", views.breaches, name="report-breaches"),
    path("reports/measures.csv", views.measures_csv, name="report-measures-csv"),
    path("reports/cases.csv", views.cases_csv, name="report-cases-csv"),
    path("reports/report.pdf", views.report_pdf, name="report-pdf"),
    path("reports/referrals/", views.referrals_page, name="report-referrals"),
]
