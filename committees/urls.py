from django.urls import path

from committees import meeting_urls_calendar, meeting_urls_papers, views

app_name = "committees"
urlpatterns = [
    path("", views.structure, name="structure"),
    path("print/", views.structure_print, name="structure_print"),
    path("bodies/<int:pk>/", views.body_detail, name="body_detail"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("me/", views.home, name="home"),
    *meeting_urls_calendar.urlpatterns,
    *meeting_urls_papers.urlpatterns,
]
