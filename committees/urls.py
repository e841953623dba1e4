"""Every page of the committees app: the structure, meetings, agenda papers and the calendar."""

from django.urls import path

from committees.views import calendar, meetings, papers, structure

app_name = "committees"

structure_patterns = [
    path("", structure.structure, name="structure"),
    path("print/", structure.structure_print, name="structure_print"),
    path("bodies/<int:pk>/", structure.body_detail, name="body_detail"),
    path("agencies/<int:pk>/", structure.agency_detail, name="agency_detail"),
    path("me/", structure.home, name="home"),
]

meeting_patterns = [
    path("bodies/<int:pk>/meetings/", meetings.meeting_list, name="meeting_list"),
    path("bodies/<int:pk>/meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/schedule/", meetings.meeting_schedule, name="meeting_schedule"),
    path("meetings/<int:pk>/postpone/", meetings.meeting_postpone, name="meeting_postpone"),
    path("meetings/<int:pk>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/delete/", meetings.meeting_delete, name="meeting_delete"),
    path("meetings/<int:pk>/agenda/add/", meetings.agenda_item_add, name="agenda_item_add"),
    path("meetings/<int:pk>/agenda/reorder/", meetings.agenda_reorder, name="agenda_reorder"),
    path("agenda/<int:pk>/edit/", meetings.agenda_item_edit, name="agenda_item_edit"),
    path("agenda/<int:pk>/delete/", meetings.agenda_item_delete, name="agenda_item_delete"),
    path("agenda/<int:pk>/restore/", meetings.agenda_item_restore, name="agenda_item_restore"),
    path("meetings/<int:pk>/rsvp/", meetings.meeting_rsvp, name="meeting_rsvp"),
    path("meetings/<int:pk>/check-in/", meetings.meeting_check_in, name="meeting_check_in"),
    path("meetings/<int:pk>/attendance/", meetings.meeting_attendance, name="meeting_attendance"),
]

minutes_patterns = [
    path("meetings/<int:pk>/minutes/", meetings.minutes_edit, name="minutes_edit"),
    path("meetings/<int:pk>/minutes/send/", meetings.minutes_send, name="minutes_send"),
    path("meetings/<int:pk>/minutes/review/", meetings.minutes_review, name="minutes_review"),
    path(
        "meetings/<int:pk>/minutes/comments/<int:comment_pk>/handled/",
        meetings.minutes_comment_mark,
        name="minutes_comment_mark",
    ),
]

paper_patterns = [
    path("agenda/<int:item_pk>/papers/add/", papers.paper_add, name="paper_add"),
    path("papers/<int:pk>/download/", papers.paper_download, name="paper_download"),
    path("papers/<int:pk>/delete/", papers.paper_delete, name="paper_delete"),
]

calendar_patterns = [
    path("calendar/", calendar.calendar, name="calendar"),
    path("bodies/<int:pk>/calendar/", calendar.body_calendar, name="body_calendar"),
    path("bodies/<int:pk>/calendar.ics", calendar.body_ical, name="body_ical"),
    path("calendar/feed/", calendar.calendar_feed_settings, name="calendar_feed_settings"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
]

urlpatterns = [
    *structure_patterns,
    *meeting_patterns,
    *minutes_patterns,
    *paper_patterns,
    *calendar_patterns,
]
