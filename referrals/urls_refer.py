"""The referrer's addresses: namespace `refer`, the only pages a referrer reaches (accounts.policy)."""

from django.urls import path

from referrals.views import documents, refer, signup

app_name = "refer"

urlpatterns = [
    path("", refer.home, name="home"),
    path("sign-up/", signup.sign_up, name="sign-up"),
    path("sign-up/sent/", signup.sign_up_sent, name="sign-up-sent"),
    path("confirm/<str:uidb64>/<str:token>/", signup.confirm, name="confirm"),
    path("new/", refer.new, name="new"),
    path("<int:referral_id>/", refer.detail, name="detail"),
    path("<int:referral_id>/step/<str:step>/", refer.step, name="step"),
    path("<int:referral_id>/check/", refer.check, name="check"),
    path("<int:referral_id>/advice.pdf", documents.advice_letter, name="advice-pdf"),
    path("<int:referral_id>/outcome/<int:decision_id>.pdf", documents.outcome_letter, name="outcome-pdf"),
    path("<int:referral_id>/message/", documents.message, name="message"),
]
