from django.urls import path

from resolutions import (
    minutes_urls,
    urls_dashboard,
    urls_followup,
    urls_inbox,
    urls_letters,
    urls_search,
    views,
)

app_name = "resolutions"
urlpatterns = [
    path("meetings/<int:pk>/resolutions/add/", views.resolution_add, name="resolution_add"),
    path(
        "meetings/<int:pk>/resolutions/reorder/",
        views.resolution_reorder,
        name="resolution_reorder",
    ),
    path("resolutions/<int:pk>/edit/", views.resolution_edit, name="resolution_edit"),
    path("resolutions/<int:pk>/delete/", views.resolution_delete, name="resolution_delete"),
    path("meetings/<int:pk>/minutes/approve/", views.minutes_approve, name="minutes_approve"),
    *minutes_urls.urlpatterns,
    *urls_inbox.urlpatterns,
    *urls_dashboard.urlpatterns,
    *urls_letters.urlpatterns,
    *urls_followup.urlpatterns,
    *urls_search.urlpatterns,
]
