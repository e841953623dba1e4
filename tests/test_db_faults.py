"""Database faults: the portal's connections are terminated while people work.

A web server calls ``close_old_connections`` when each request starts and ends (Django's
``request_started``/``request_finished`` signals); Django's test client disconnects it, so
``post`` below does what the server does. With ``CONN_HEALTH_CHECKS`` a persistent
connection is checked once per request before use and replaced when dead, so:

* connections killed *between* requests: the next request reconnects and succeeds;
* a connection killed *inside* a request, after the check: that request fails cleanly
  (500 page, its transaction never committed, its e-mails never sent) and pressing the
  button again does the action once.

Either way, every action acknowledged to the user (a redirect) is in the database exactly
once. The error pages (403, 404, 500) are tested here too, on every database.
"""

from __future__ import annotations

import datetime
import time

import psycopg2
import pytest
from django.core import mail
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.test import Client, RequestFactory, override_settings
from django.urls import path, reverse
from django.utils import timezone
from django.views.defaults import server_error

from committees.models import Invitation, Meeting, MeetingState
from committees.notifications import meeting_path
from committees.services.meetings import agenda_item_add, meeting_create
from egov_portal import urls as portal_urls
from egov_portal.models import Notification
from resolutions.models import Directive, DirectiveEvent, DirectiveState
from tests.directive_helpers import approved_with, education
from tests.meeting_helpers import user

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="terminates PostgreSQL backends; runs in CI on PostgreSQL",
)

SERVER_ERROR_TEXT = "آنچه در این درخواست فرستادید ذخیره نشد"


# --- the fault and the requests ----------------------------------------------------------


def terminate_portal_connections() -> int:
    """From a separate superuser connection, end every other session on the test database
    and wait until they are gone. Returns how many were ended."""
    settings = connection.settings_dict
    killer = psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"] or "postgres",
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )
    killer.autocommit = True
    try:
        with killer.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            pids = [row[0] for row in cursor.fetchall()]
            for pid in pids:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [pids])
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.02)
        return len(pids)
    finally:
        killer.close()


def post(client: Client, url: str, data: dict | None = None):
    """A POST as a web server runs it: old or broken connections dropped before and after."""
    close_old_connections()
    try:
        return client.post(url, data or {})
    finally:
        close_old_connections()


class KillBefore:
    """An execute wrapper that terminates the portal's connections just before the
    ``nth`` statement starting with ``prefix`` (inside the request, after the health check)."""

    def __init__(self, prefix: str, nth: int = 1):
        self.prefix, self.nth = prefix.upper(), nth
        self.seen = 0

    @property
    def fired(self) -> bool:
        return self.seen >= self.nth

    def __call__(self, execute, sql, params, many, context):
        if not self.fired and sql.lstrip().upper().startswith(self.prefix):
            self.seen += 1
            if self.fired:
                terminate_portal_connections()
        return execute(sql, params, many, context)


# --- what is being done ------------------------------------------------------------------


def acknowledge_url(directive: Directive) -> str:
    return reverse("resolutions:directive_acknowledge", args=[directive.pk])


def schedule_url(meeting: Meeting) -> str:
    return reverse("committees:meeting_schedule", args=[meeting.pk])


def education_directives(body, count: int) -> list[Directive]:
    specs = [{"responsible": [education()], "text": f"تکلیف شماره {n}"} for n in range(count)]
    meeting = approved_with(body, *specs)
    directives = list(Directive.objects.filter(resolution__meeting=meeting).order_by("pk"))
    assert len(directives) == count
    return directives


def draft_meetings(body, count: int) -> list[Meeting]:
    meetings = []
    for n in range(count):
        meeting = meeting_create(
            body=body,
            starts_at=timezone.now() + datetime.timedelta(days=10 + n),
            place="تالار استانداری",
        )
        agenda_item_add(meeting=meeting, title="گزارش پیشرفت خدمات الکترونیک")
        meetings.append(meeting)
    return meetings


def acknowledgements(directive: Directive) -> int:
    return DirectiveEvent.objects.filter(
        directive=directive, state=DirectiveState.ACKNOWLEDGED
    ).count()


def assert_acknowledged_once(directive: Directive) -> None:
    directive.refresh_from_db()
    assert directive.state == DirectiveState.ACKNOWLEDGED
    assert directive.acknowledged_by.username == "itmanager"
    assert acknowledgements(directive) == 1


def assert_scheduled_once(meeting: Meeting, invitees: int) -> None:
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.SCHEDULED
    invitations = Invitation.objects.filter(meeting=meeting)
    assert invitations.count() == invitees
    assert invitations.values("person").distinct().count() == invitees
    with_account = invitations.filter(person__user__isnull=False).count()
    assert Notification.objects.filter(url=meeting_path(meeting)).count() == with_account


def assert_untouched(meeting: Meeting) -> None:
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.DRAFT
    assert not Invitation.objects.filter(meeting=meeting).exists()
    assert not Notification.objects.filter(url=meeting_path(meeting)).exists()


@pytest.fixture
def working_group_tx(gilan):
    from committees.models import Body, BodyKind

    return Body.objects.get(kind=BodyKind.WORKING_GROUP, jurisdiction="گیلان")


@pytest.fixture
def clients(gilan):
    """The IT manager of education and the working group's secretary, signed in."""
    it_manager, secretary = Client(), Client()
    it_manager.force_login(user("itmanager"))
    secretary.force_login(user("secretary"))
    yield it_manager, secretary
    close_old_connections()
    connection.close()  # leave a fresh connection for pytest-django's flush


def test_settings_reconnect_after_a_dead_connection():
    """What the fault tests rely on: persistent connections, checked before reuse."""
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert connection.settings_dict["CONN_MAX_AGE"] > 0


# --- connections killed between requests -------------------------------------------------


@postgresql_only
def test_connections_killed_between_requests_are_replaced_and_nothing_is_lost_or_doubled(
    working_group_tx, clients
):
    it_manager, secretary = clients
    directives = education_directives(working_group_tx, 4)
    meetings = draft_meetings(working_group_tx, 4)
    invitees = 11  # the working group's seats, all held in the demo data
    mail.outbox.clear()

    answered = []
    for step, (directive, meeting) in enumerate(zip(directives, meetings, strict=True)):
        if step in (1, 3):
            # In the middle of the sequence (twice): every connection of the portal dies.
            assert terminate_portal_connections() >= 1
        ack = post(it_manager, acknowledge_url(directive))
        scheduled = post(secretary, schedule_url(meeting), {"confirm": "1"})
        answered += [ack.status_code, scheduled.status_code]
        assert ack.url == reverse("resolutions:directive_detail", args=[directive.pk])
        assert scheduled.url == reverse("committees:meeting_detail", args=[meeting.pk])

    # Every request reconnected (the health check found the dead connection first) and was
    # acknowledged with a redirect...
    assert answered == [302] * 8
    # ...and each of those actions is in the database exactly once.
    for directive in directives:
        assert_acknowledged_once(directive)
    for meeting in meetings:
        assert_scheduled_once(meeting, invitees)
    with_email = Invitation.objects.filter(meeting__in=meetings).exclude(person__email="")
    assert len(mail.outbox) == with_email.count()


# --- a connection killed inside a request ------------------------------------------------


@postgresql_only
def test_a_request_whose_connection_dies_gets_the_error_page_and_a_retry_acts_once(
    working_group_tx, clients
):
    it_manager, secretary = clients
    it_manager.raise_request_exception = False
    secretary.raise_request_exception = False
    first, second = education_directives(working_group_tx, 2)
    meeting, other = draft_meetings(working_group_tx, 2)
    invitees = 11
    mail.outbox.clear()

    assert post(it_manager, acknowledge_url(first)).status_code == 302

    # The connection dies just before the directive is written (its row already locked).
    kill = KillBefore('UPDATE "resolutions_directive"')
    with connection.execute_wrapper(kill):
        failed = post(it_manager, acknowledge_url(second))
    assert kill.fired and failed.status_code == 500
    assert isinstance(failed.exc_info[1], OperationalError | InterfaceError)
    assert SERVER_ERROR_TEXT in failed.content.decode()
    second.refresh_from_db()
    assert second.state == DirectiveState.ISSUED and acknowledgements(second) == 0

    # The connection dies while the invitations are being written (one is written).
    kill = KillBefore('INSERT INTO "committees_invitation"', nth=2)
    with connection.execute_wrapper(kill):
        failed = post(secretary, schedule_url(meeting), {"confirm": "1"})
    assert kill.fired and failed.status_code == 500
    assert SERVER_ERROR_TEXT in failed.content.decode()
    assert_untouched(meeting)
    assert mail.outbox == []  # on_commit never ran: nobody was invited to a meeting

    # The next requests reconnect; pressing the buttons again acts exactly once.
    assert post(it_manager, acknowledge_url(second)).status_code == 302
    assert post(secretary, schedule_url(meeting), {"confirm": "1"}).status_code == 302
    assert post(secretary, schedule_url(other), {"confirm": "1"}).status_code == 302
    # A second press on an acknowledged directive records nothing more.
    assert post(it_manager, acknowledge_url(second)).status_code == 302
    for directive in (first, second):
        assert_acknowledged_once(directive)
    for scheduled in (meeting, other):
        assert_scheduled_once(scheduled, invitees)


# --- the error pages ---------------------------------------------------------------------


def _boom(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [*portal_urls.urlpatterns, path("test-only/boom/", _boom)]


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_missing_page_shows_the_persian_404_page(persona_client):
    response = persona_client("anonymous").get("/no-such-page/")
    assert response.status_code == 404
    assert response.templates[0].name == "404.html"
    html = response.content.decode()
    assert "صفحه پیدا نشد" in html and 'dir="rtl"' in html
    assert reverse("committees:structure") in html and reverse("login") in html


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_forbidden_action_shows_the_persian_403_page(persona_client, working_group):
    url = reverse("committees:meeting_create", args=[working_group.pk])
    response = persona_client("member").get(url)
    assert response.status_code == 403
    assert response.templates[0].name == "403.html"
    html = response.content.decode()
    assert "دسترسی ندارید" in html and 'dir="rtl"' in html
    assert reverse("committees:home") in html


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_server_error_shows_the_standalone_persian_500_page(persona_client):
    client = persona_client("secretary")
    client.raise_request_exception = False
    response = client.get("/test-only/boom/")
    assert response.status_code == 500
    assert isinstance(response.exc_info[1], RuntimeError)
    html = response.content.decode()
    assert "خطای سرور" in html and SERVER_ERROR_TEXT in html
    assert 'lang="fa" dir="rtl"' in html
    assert "/static/vendor/bootstrap/bootstrap.rtl.min.css" in html
    assert "<script" not in html and "style=" not in html  # nothing inline (CSP)
    assert "secretary" not in html  # no user, no context processors


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_500_page_renders_without_touching_the_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert SERVER_ERROR_TEXT in response.content.decode()
