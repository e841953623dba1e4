"""Calendar pages and iCal feeds (included by committees/urls.py)."""

from django.urls import path

from committees import calendar_views

urlpatterns: list = [
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("bodies/<int:pk>/calendar/", calendar_views.body_calendar, name="body_calendar"),
    path("bodies/<int:pk>/calendar.ics", calendar_views.body_ical, name="body_ical"),
]
