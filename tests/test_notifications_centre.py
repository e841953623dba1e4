"""The notification centre: the bell, marking read, following a notice's link safely,
preferences that change what ``notify()`` does, and the once-a-day digest."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from egov_portal.models import Notification, NotificationPreference
from egov_portal.notifications.services import email_now, notify
from egov_portal.notifications.views import is_same_site_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    user = get_user_model().objects.get(username="member")
    user.notifications.all().delete()
    return user


def test_bell_shows_the_unread_count(persona_client, member):
    for n in range(3):
        notify(user=member, title=f"اعلان {n}", url="/me/")
    html = persona_client("member").get(reverse("committees:structure")).content.decode()
    assert 'data-testid="bell"' in html
    assert 'data-testid="bell-count">۳<' in html
    assert "اعلان‌ها" in html  # the visually-hidden label


def test_bell_without_unread_has_no_badge(persona_client, member):
    html = persona_client("member").get(reverse("committees:structure")).content.decode()
    assert 'data-testid="bell"' in html
    assert "bell-count" not in html


def test_list_is_newest_first_with_unread_highlighted(persona_client, member):
    notify(user=member, title="قدیمی")
    Notification.objects.update(read_at="2024-01-01T00:00:00Z")
    notify(user=member, title="تازه‌ترین")
    html = persona_client("member").get(reverse("notifications:list")).content.decode()
    assert html.index("تازه‌ترین") < html.index("قدیمی")
    assert html.count('data-testid="notice-unread"') == 1


def test_mark_one_and_all_read(persona_client, member):
    first = notify(user=member, title="یک")
    notify(user=member, title="دو")
    client = persona_client("member")
    assert client.post(reverse("notifications:read", args=[first.pk])).status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert member.notifications.filter(read_at__isnull=True).count() == 1
    client.post(reverse("notifications:read_all"))
    assert member.notifications.filter(read_at__isnull=True).count() == 0


def test_opening_marks_read_and_follows_a_same_site_link(persona_client, member):
    notice = notify(user=member, title="جلسه", url="/meetings/1/")
    response = persona_client("member").get(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/meetings/1/"
    notice.refresh_from_db()
    assert notice.read_at is not None


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]
)
def test_opening_refuses_a_link_off_the_site(persona_client, member, url):
    notice = notify(user=member, title="پیوند بیرونی", url=url)
    response = persona_client("member").get(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:list")
    assert not is_same_site_path(url)


def test_another_users_notice_is_404(persona_client, member):
    notice = notify(user=member, title="خصوصی", url="/me/")
    client = persona_client("chair")
    assert client.get(reverse("notifications:open", args=[notice.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[notice.pk])).status_code == 404
    assert "خصوصی" not in client.get(reverse("notifications:list")).content.decode()
    notice.refresh_from_db()
    assert notice.read_at is None


def test_preferences_page_saves_and_mutes_a_kind(persona_client, member):
    client = persona_client("member")
    assert client.get(reverse("notifications:preferences")).status_code == 200
    response = client.post(
        reverse("notifications:preferences"), {"daily_digest": "on", "muted_kinds": ["reminder"]}
    )
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=member)
    assert preference.daily_digest is True
    assert preference.muted_kinds == ["reminder"]
    assert notify(user=member, title="یادآوری", kind="reminder") is None
    assert notify(user=member, title="جلسه", kind="meeting") is not None
    assert not email_now(member, "meeting")  # the digest instead


def test_preferences_refuse_an_unknown_kind(persona_client, member):
    response = persona_client("member").post(
        reverse("notifications:preferences"), {"muted_kinds": ["everything"]}
    )
    assert response.status_code == 200
    assert not NotificationPreference.objects.filter(user=member).exists()


def test_without_preferences_everything_is_immediate(member):
    assert email_now(member, "directive")
    assert notify(user=member, title="ابلاغ", kind="directive").kind == "directive"


def test_digest_sends_one_email_once(member):
    member.email = "member@example.org"
    member.save()
    NotificationPreference.objects.create(user=member, daily_digest=True)
    notify(user=member, title="اعلان اول", url="/me/")
    notify(user=member, title="اعلان دوم")
    read = notify(user=member, title="خوانده‌شده")
    Notification.objects.filter(pk=read.pk).update(read_at="2024-01-01T00:00:00Z")
    mail.outbox.clear()
    call_command("send_notification_digest", stdout=__import__("io").StringIO())
    mine = [m for m in mail.outbox if m.to == ["member@example.org"]]
    assert len(mine) == 1
    assert "اعلان اول" in mine[0].body and "اعلان دوم" in mine[0].body
    assert "خوانده‌شده" not in mine[0].body
    assert "/me/" in mine[0].body
    call_command("send_notification_digest", stdout=__import__("io").StringIO())
    assert len([m for m in mail.outbox if m.to == ["member@example.org"]]) == 1
    assert not member.notifications.filter(read_at__isnull=True, digested_at__isnull=True).exists()


def test_digest_skips_users_who_want_immediate_email(member):
    member.email = "member@example.org"
    member.save()
    notify(user=member, title="فوری")
    mail.outbox.clear()
    call_command("send_notification_digest", stdout=__import__("io").StringIO())
    assert not [m for m in mail.outbox if m.to == ["member@example.org"]]


@pytest.mark.parametrize("count", [1, 30])
def test_list_query_budget(persona_client, member, django_assert_num_queries, count):
    for n in range(count):
        notify(user=member, title=f"اعلان {n}")
    client = persona_client("member")
    with django_assert_num_queries(6):
        assert client.get(reverse("notifications:list")).status_code == 200
