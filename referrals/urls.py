"""The service's addresses for referrals: namespace `referrals` (the triage inbox and its actions)."""

from django.urls import path

from referrals.views import documents, triage

app_name = "referrals"

urlpatterns = [
    path("", triage.inbox, name="inbox"),
    path("<int:referral_id>/", triage.detail, name="detail"),
    path("<int:referral_id>/take/", triage.take, name="take"),
    path("<int:referral_id>/advice/", triage.advise, name="advice"),
    path("<int:referral_id>/accept/", triage.accept_referral, name="accept"),
    path("<int:referral_id>/decline/", triage.decline, name="decline"),
    path("<int:referral_id>/advice.pdf", documents.advice_letter, name="advice-pdf"),
    path("<int:referral_id>/outcome/<int:decision_id>.pdf", documents.outcome_letter, name="outcome-pdf"),
    path("<int:referral_id>/message/", documents.message, name="message"),
]
