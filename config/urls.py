from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "Spinal MDT tracker"
admin.site.site_title = "Spinal MDT tracker"
admin.site.index_title = "Coordinators' workspace"

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("cases.urls")),
    path("", include("mdt.urls")),
]
