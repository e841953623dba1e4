"""The meeting calendar: a Jalali month of meetings, for everyone or for one body, a
body's iCalendar feed, and each user's secret calendar address (for calendar apps that
cannot sign in)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from committees.models import CalendarFeedToken, MeetingState
from committees.notifications import ical_for_meetings
from committees.permissions import body_for_user
from committees.selectors import calendar as calendar_selectors
from committees.services import calendar_feeds
from egov_portal.text.jalali import MAX_YEAR, MIN_YEAR, PERSIAN_MONTHS, today_jalali
from egov_portal.text.persian import to_latin_digits


def _month_asked(request) -> tuple[int, int]:
    """The Jalali year and month in ``?year=…&month=…`` (any digits); this month when they
    are missing, and this month with a message when they are not a month."""
    today = today_jalali()
    year_text = request.GET.get("year", "").strip()
    month_text = request.GET.get("month", "").strip()
    try:
        year = int(to_latin_digits(year_text)) if year_text else today.year
        month = int(to_latin_digits(month_text)) if month_text else today.month
    except ValueError:
        year = month = 0
    if MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12:
        return year, month
    messages.warning(request, _("ماه خواسته‌شده معتبر نیست؛ تقویم ماه جاری نمایش داده می‌شود."))
    return today.year, today.month


def _render_month(request, *, body=None):
    year, month = _month_asked(request)
    today = today_jalali()
    month_view = calendar_selectors.month_calendar(
        user=request.user, year=year, month=month, body=body, today=today
    )
    context = {
        "calendar": month_view,
        "month_name": PERSIAN_MONTHS[month - 1],
        "body": body,
        "is_current_month": (year, month) == (today.year, today.month),
    }
    return render(request, "committees/calendar.html", context)


@require_safe
def calendar(request):
    return _render_month(request)


@require_safe
def body_calendar(request, pk: int):
    body, _access = body_for_user(request.user, pk)
    return _render_month(request, body=body)


@require_safe
def body_ical(request, pk: int):
    body, _access = body_for_user(request.user, pk)
    meetings = (
        body.meetings.exclude(state__in=[MeetingState.DRAFT, MeetingState.CANCELLED])
        .select_related("body")
        .order_by("starts_at", "pk")
    )
    response = HttpResponse(
        ical_for_meetings(meetings, name=str(body)), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="body-{body.pk}.ics"'
    patch_cache_control(response, private=True, no_cache=True)
    return response


# --- secret calendar addresses ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_feed_settings(request):
    """The user's secret calendar address: make or renew it (shown once), or revoke it."""
    secret = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            calendar_feeds.calendar_feed_revoke(user=request.user)
            messages.success(request, _("نشانی محرمانه تقویم باطل شد."))
        else:
            _token, secret = calendar_feeds.calendar_feed_renew(user=request.user)
    feed_url = (
        request.build_absolute_uri(reverse("committees:calendar_feed", args=[secret]))
        if secret
        else ""
    )
    return render(
        request,
        "committees/calendar_feed.html",
        {"live": calendar_selectors.calendar_feed_live(user=request.user), "feed_url": feed_url},
    )


@require_safe
def calendar_feed(request, token: str):
    """The meetings one user may see, for a calendar app that cannot sign in: whoever
    holds the secret address reads them, until the user renews or revokes it. Unknown,
    revoked or a deactivated user's: 404."""
    feed = calendar_selectors.calendar_feed_for_secret(token)
    if feed is None:
        raise Http404
    CalendarFeedToken.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    meetings = calendar_selectors.feed_meetings(feed.user)
    response = HttpResponse(
        ical_for_meetings(meetings, name=_("جلسات من در درگاه")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    patch_cache_control(response, private=True, no_store=True)
    return response
