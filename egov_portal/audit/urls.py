"""The audit trail page (included under ``audit/``)."""

from django.urls import path

from egov_portal.audit.views import audit_list

app_name = "audit"

urlpatterns = [
    path("", audit_list, name="list"),
]
