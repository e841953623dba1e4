"""Minutes PDF, print view and the public verification page (included by resolutions/urls.py)."""

from django.urls import path

from resolutions import minutes_views

urlpatterns: list = [
    path("meetings/<int:pk>/minutes.pdf", minutes_views.minutes_pdf, name="minutes_pdf"),
    path("meetings/<int:pk>/minutes/print/", minutes_views.minutes_print, name="minutes_print"),
    path("verify/", minutes_views.verify, name="verify"),
    path(
        "verify/<str:fingerprint>/",
        minutes_views.verify_fingerprint,
        name="verify_fingerprint",
    ),
]
