"""The help pages (included under ``help/``)."""

from django.urls import path

from egov_portal.help.views import help_index, help_page

app_name = "help"

urlpatterns = [
    path("", help_index, name="index"),
    path("<slug:slug>/", help_page, name="page"),
]
