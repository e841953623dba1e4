"""Two-factor sign-in (included under ``accounts/two-factor/``)."""

from django.urls import path

from egov_portal.accounts import views

app_name = "two_factor"

urlpatterns = [
    path("", views.two_factor_settings, name="settings"),
    path("verify/", views.two_factor_verify, name="verify"),
    path("enrol/", views.two_factor_enrol, name="enrol"),
    path("backup-codes/", views.two_factor_backup_codes, name="backup_codes"),
    path("backup-codes/renew/", views.two_factor_backup_codes_renew, name="backup_codes_renew"),
    path("remove/", views.two_factor_remove, name="remove"),
]
