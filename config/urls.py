from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from accounts.views import SignInView, session_keepalive
from signin.views.sign_out import SignOutView

admin.site.site_header = "Spinal MDT tracker"
admin.site.site_title = "Spinal MDT tracker"
admin.site.index_title = "Coordinators' workspace"

urlpatterns = [
    # Browsers ask for /favicon.ico on every page, admin pages included. Resolved lazily, at the
    # first request: `check --deploy` and `migrate` must work before collectstatic has run.
    path("favicon.ico", login_not_required(RedirectView.as_view(url=lazy(static, str)("favicon.svg"), permanent=True))),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", SignOutView.as_view(), name="logout"),
    path("accounts/keepalive/", session_keepalive, name="session-keepalive"),
    path("accounts/", include("signin.urls")),
    path("admin/", admin.site.urls),
    path("refer/", include("referrals.urls_refer")),
    path("referrals/", include("referrals.urls")),
    path("", include("cases.urls")),
    path("", include("mdt.urls")),
    path("", include("live.urls")),
    path("", include("reminders.urls")),
    path("", include("reports.urls")),
    path("", include("integrations.urls")),
    path("", include("letters.urls")),
    path("", include("home.urls")),
]
