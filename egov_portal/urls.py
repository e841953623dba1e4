import os

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from egov_portal.views import bench_bare, favicon

handler400 = "egov_portal.views.bad_request"

admin.site.site_header = _("درگاه کارگروه توسعه دولت الکترونیک")
admin.site.site_title = _("مدیریت درگاه")
admin.site.index_title = _("مدیریت ساختار، اشخاص و حساب‌ها")

urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", include("egov_portal.accounts.urls")),
    path("", include("members.urls")),
    path("", include("committees.urls")),
    path("", include("resolutions.urls")),
    path("help/", include("egov_portal.help.urls")),
    path("audit/", include("egov_portal.audit.urls")),
    path("notifications/", include("egov_portal.notifications.urls")),
    # Django's set_language: POST {language, next} stores the choice in the language cookie.
    path("i18n/", include("django.conf.urls.i18n")),
]

# The benchmark's baseline (tests/benchmarks/run.py): absent unless the environment asks.
if os.environ.get("BENCH_BARE_VIEW") == "1":
    urlpatterns.append(path("bench/bare/", bench_bare))
