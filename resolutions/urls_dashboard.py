"""dashboard pages (included by resolutions/urls.py)."""

from django.urls import path

from resolutions import dashboard_views

urlpatterns: list = [
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/export.xlsx", dashboard_views.dashboard_xlsx, name="dashboard_xlsx"),
    path("dashboard/export.pdf", dashboard_views.dashboard_pdf, name="dashboard_pdf"),
    path("resolutions/", dashboard_views.register, name="register"),
    path("public/resolutions/", dashboard_views.public_resolutions, name="public_resolutions"),
]
