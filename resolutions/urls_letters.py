"""letters pages (included by resolutions/urls.py)."""

from django.urls import path

from resolutions import letter_views as views

urlpatterns: list = [
    path("directives/<int:pk>/letter.pdf", views.directive_letter, name="directive_letter"),
    path("meetings/<int:pk>/letters/", views.meeting_letters, name="meeting_letters"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<uuid:pk>/status.json", views.job_status, name="job_status"),
    path("jobs/<uuid:pk>/download/", views.job_download, name="job_download"),
]
