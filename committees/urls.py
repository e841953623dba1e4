from django.urls import path

from committees import meeting_urls_calendar, meeting_urls_papers, meeting_views, views

app_name = "committees"
urlpatterns = [
    path("", views.structure, name="structure"),
    path("print/", views.structure_print, name="structure_print"),
    path("bodies/<int:pk>/", views.body_detail, name="body_detail"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("me/", views.home, name="home"),
    path("bodies/<int:pk>/meetings/", meeting_views.meeting_list, name="meeting_list"),
    path("bodies/<int:pk>/meetings/new/", meeting_views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meeting_views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meeting_views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/schedule/", meeting_views.meeting_schedule, name="meeting_schedule"),
    path("meetings/<int:pk>/postpone/", meeting_views.meeting_postpone, name="meeting_postpone"),
    path("meetings/<int:pk>/cancel/", meeting_views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/agenda/add/", meeting_views.agenda_item_add, name="agenda_item_add"),
    path("meetings/<int:pk>/agenda/reorder/", meeting_views.agenda_reorder, name="agenda_reorder"),
    path("agenda/<int:pk>/edit/", meeting_views.agenda_item_edit, name="agenda_item_edit"),
    path("agenda/<int:pk>/delete/", meeting_views.agenda_item_delete, name="agenda_item_delete"),
    path("meetings/<int:pk>/rsvp/", meeting_views.meeting_rsvp, name="meeting_rsvp"),
    path(
        "meetings/<int:pk>/attendance/", meeting_views.meeting_attendance, name="meeting_attendance"
    ),
    path("meetings/<int:pk>/minutes/", meeting_views.minutes_edit, name="minutes_edit"),
    path("meetings/<int:pk>/minutes/send/", meeting_views.minutes_send, name="minutes_send"),
    path("meetings/<int:pk>/minutes/review/", meeting_views.minutes_review, name="minutes_review"),
    *meeting_urls_calendar.urlpatterns,
    *meeting_urls_papers.urlpatterns,
]
