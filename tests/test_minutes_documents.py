"""The minutes as PDF and print view, and the public page that verifies their fingerprint."""

from __future__ import annotations

import datetime
import io
import json

import jdatetime
import pypdf
import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from committees.models import AttendanceStatus, Meeting
from committees.services.meetings import (
    agenda_item_add,
    attendance_record,
    minutes_send_for_review,
    minutes_update,
)
from egov_portal.text.jalali import format_jalali_long, format_jalali_short
from egov_portal.text.persian import normalize_for_search, ordinal_fa, to_persian_digits
from members.models import Agency
from resolutions.documents import minutes as documents
from resolutions.services.minutes import minutes_approve
from resolutions.services.resolutions import resolution_create
from tests.meeting_helpers import held_meeting, scheduled_meeting, user

DISCUSSION = "گزارش محرمانه درباره پیشرفت کند پنجره واحد خدمات"
SUBSTITUTE = "کامران جانشین‌پور"
GUEST = "سارا میهمان‌دوست"


def _recorded_meeting(body) -> Meeting:
    """A held meeting with every kind of attendance: present, substitute, absent, excused."""
    meeting = scheduled_meeting(body)
    agenda_item_add(meeting=meeting, title="امنیت داده‌های دستگاه‌ها", presenter="دبیرخانه")
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    meeting.refresh_from_db()
    invitations = list(meeting.invitations.order_by("pk"))
    statuses = {i.pk: {"attendance": AttendanceStatus.PRESENT} for i in invitations}
    statuses[invitations[-1].pk] = {
        "attendance": AttendanceStatus.SUBSTITUTE,
        "substitute_name": SUBSTITUTE,
        "substitute_post": "معاون فناوری",
    }
    statuses[invitations[-2].pk] = {"attendance": AttendanceStatus.ABSENT}
    statuses[invitations[-3].pk] = {"attendance": AttendanceStatus.EXCUSED}
    attendance_record(
        meeting=meeting, statuses=statuses, guests=[{"name": GUEST, "agency": "دانشگاه گیلان"}]
    )
    first_item = meeting.agenda_items.order_by("order").first()
    minutes_update(meeting=meeting, preamble="", discussions={first_item.pk: DISCUSSION})
    minutes_send_for_review(meeting=meeting, deadline=timezone.now() + datetime.timedelta(days=2))
    meeting.refresh_from_db()
    return meeting


def _add_resolutions(meeting: Meeting, count: int) -> list[str]:
    education = Agency.objects.get(name="اداره کل آموزش و پرورش")
    water = Agency.objects.get(name="شرکت آب و فاضلاب")
    texts = []
    for n in range(count):
        text = f"مصوبه {ordinal_fa(n + 1)} درباره خدمت الکترونیک"
        if n % 2:
            resolution_create(meeting=meeting, text=text, kind="assignment", all_agencies=True)
        else:
            resolution_create(
                meeting=meeting,
                text=text,
                kind="assignment",
                responsible=[education],
                collaborating=[water],
                deadline=jdatetime.date(1406, 1, 15),
            )
        texts.append(text)
    return texts


def _approved(body, *, resolutions: int = 2) -> Meeting:
    meeting = _recorded_meeting(body)
    _add_resolutions(meeting, resolutions)
    return minutes_approve(meeting=meeting, user=user("chair"))


def _pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


def _pdf_text(content: bytes) -> str:
    return normalize_for_search(" ".join(_pdf_pages(content)))


def _contains(haystack: str, needle: str) -> bool:
    return normalize_for_search(needle) in haystack


def _tamper(meeting: Meeting) -> None:
    """Change a resolution in the approved minutes' snapshot behind the portal's back (on
    PostgreSQL with the freezing triggers off, as a superuser restoring a doctored dump
    could)."""
    minutes = meeting.minutes
    snapshot = minutes.snapshot
    snapshot["resolutions"][0]["text"] = "دستکاری"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE committees_minutes SET snapshot = %s WHERE id = %s",
            [json.dumps(snapshot, ensure_ascii=False), minutes.pk],
        )
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


# --- the document's data -------------------------------------------------------------------


def test_minutes_document_lists_attendance_and_a_signature_row_per_attendee(working_group):
    meeting = _approved(working_group)
    doc = documents.minutes_document(meeting)
    attended = meeting.invitations.filter(
        attendance__in=[AttendanceStatus.PRESENT, AttendanceStatus.SUBSTITUTE]
    )
    assert len(doc["signatures"]) == attended.count()
    assert SUBSTITUTE in [a.name for a in doc["signatures"]]
    assert [a.name for a in doc["substitutes"]] == [SUBSTITUTE]
    assert len(doc["absent"]) == 1 and len(doc["excused"]) == 1
    assert [g.name for g in doc["guests"]] == [GUEST]
    assert [r.label for r in doc["resolutions"]] == ["الف", "ب"]
    assert doc["resolutions"][0].responsible == ["اداره کل آموزش و پرورش"]
    assert doc["resolutions"][0].collaborating == ["شرکت آب و فاضلاب"]
    assert doc["resolutions"][1].all_agencies
    assert doc["chair_name"] == user("chair").person.full_name
    assert doc["meeting_title"] == "جلسه " + ordinal_fa(meeting.number)
    assert doc["fingerprint"] == meeting.minutes.fingerprint


def test_verification_url_is_the_public_verify_page(working_group):
    meeting = _approved(working_group)
    fingerprint = meeting.minutes.fingerprint
    expected = settings.PORTAL_BASE_URL + reverse(
        "resolutions:verify_fingerprint", args=[fingerprint]
    )
    assert documents.verification_url(meeting.minutes.fingerprint) == expected


def test_the_qr_code_encodes_the_verification_url(working_group, monkeypatch):
    meeting = _approved(working_group)
    seen = []
    monkeypatch.setattr(documents, "qr_data_uri", lambda text: seen.append(text) or "data:,qr")
    doc = documents.minutes_document(meeting)
    expected = settings.PORTAL_BASE_URL + reverse(
        "resolutions:verify_fingerprint", args=[meeting.minutes.fingerprint]
    )
    assert seen == [expected]
    assert doc["qr"] == "data:,qr"


def test_qr_data_uri_is_an_svg_without_text():
    uri = documents.qr_data_uri("https://portal.example/verify/" + "a" * 64 + "/")
    assert uri.startswith("data:image/svg+xml")
    assert "text" not in uri.lower()


# --- the PDF -------------------------------------------------------------------------------


def test_minutes_pdf_carries_the_whole_minutes(working_group, persona_client):
    meeting = _approved(working_group)
    response = persona_client("member").get(reverse("resolutions:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert _contains(text, working_group.name)
    assert _contains(text, "صورتجلسه")
    for resolution in meeting.resolutions.all():
        assert _contains(text, resolution.text)
    assert _contains(text, "همه دستگاه‌های اجرایی استان")
    for invitation in meeting.invitations.select_related("person"):
        if invitation.attendance == AttendanceStatus.PRESENT:
            assert _contains(text, invitation.person.full_name)
    assert _contains(text, SUBSTITUTE)
    assert _contains(text, GUEST)
    assert _contains(text, DISCUSSION)
    pages = _pdf_pages(response.content)
    total = to_persian_digits(len(pages))
    for number, page in enumerate(pages, start=1):
        assert "صفحه" in page and " از " in page
        assert to_persian_digits(number) in page and total in page
    assert _contains(text, meeting.minutes.fingerprint)
    assert not _contains(text, "پیش‌نویس")


def test_draft_pdf_is_watermarked_and_has_no_fingerprint(working_group, persona_client):
    meeting = _recorded_meeting(working_group)
    _add_resolutions(meeting, 1)
    response = persona_client("secretary").get(
        reverse("resolutions:minutes_pdf", args=[meeting.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert _contains(text, "پیش‌نویس")
    assert not _contains(text, "SHA-256")
    assert not _contains(text, "اثر انگشت")
    meeting.minutes.refresh_from_db()
    assert meeting.minutes.fingerprint == ""


def test_minutes_of_a_meeting_not_yet_held_are_not_found(working_group, persona_client):
    meeting = scheduled_meeting(working_group)
    for name in ("resolutions:minutes_pdf", "resolutions:minutes_print"):
        assert persona_client("secretary").get(reverse(name, args=[meeting.pk])).status_code == 404


def test_held_meeting_prints_as_a_draft(working_group, persona_client):
    meeting = held_meeting(working_group)
    response = persona_client("chair").get(reverse("resolutions:minutes_print", args=[meeting.pk]))
    assert response.status_code == 200
    assert response.context["is_draft"]
    assert 'class="watermark"' in response.content.decode()
    assert 'class="qr"' not in response.content.decode()


def test_outsiders_get_404_for_the_minutes(working_group, persona_client):
    meeting = _approved(working_group)
    for persona in ("anonymous", "outsider"):
        client = persona_client(persona)
        for name in ("resolutions:minutes_pdf", "resolutions:minutes_print"):
            assert client.get(reverse(name, args=[meeting.pk])).status_code == 404


def test_the_print_view_has_no_inline_script_or_style(working_group, persona_client):
    meeting = _approved(working_group)
    response = persona_client("chair").get(reverse("resolutions:minutes_print", args=[meeting.pk]))
    html = response.content.decode()
    assert "<script" not in html
    assert "style=" not in html
    assert "<style" not in html
    assert "minutes-pdf.css" in html
    assert 'class="qr" src="data:image/svg+xml' in html
    assert DISCUSSION in html
    assert to_persian_digits(meeting.minutes.letter_number) in html
    assert format_jalali_short(meeting.minutes.letter_date) in html
    assert format_jalali_long(meeting.starts_at) in html
    signing = len(response.context["signatures"]) + len(response.context["guests"])
    assert html.count('class="col-signature"></td>') == signing


@pytest.mark.parametrize("count", [2, 12])
def test_minutes_print_query_budget(
    working_group, persona_client, django_assert_num_queries, count
):
    meeting = _approved(working_group, resolutions=count)
    client = persona_client("member")
    url = reverse("resolutions:minutes_print", args=[meeting.pk])
    with django_assert_num_queries(12):  # the letterhead's emblem is one
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["resolutions"]) == count


@pytest.mark.parametrize("count", [2, 12])
def test_draft_minutes_print_query_budget(
    working_group, persona_client, django_assert_num_queries, count
):
    meeting = _recorded_meeting(working_group)
    _add_resolutions(meeting, count)
    client = persona_client("secretary")
    url = reverse("resolutions:minutes_print", args=[meeting.pk])
    with django_assert_num_queries(20):  # the papers, the province, the emblem
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["is_draft"]
    assert len(response.context["resolutions"]) == count


# --- verification --------------------------------------------------------------------------


def _verify(client, fingerprint: str):
    return client.get(reverse("resolutions:verify_fingerprint", args=[fingerprint]))


GENUINE = "این صورتجلسه معتبر است"
TAMPERED = "اثر انگشت با سوابق درگاه نمی‌خواند؛ این نسخه معتبر نیست"
NOT_FOUND = "صورتجلسه‌ای با این اثر انگشت یافت نشد"


def test_verify_page_says_genuine_for_approved_minutes(working_group, persona_client):
    meeting = _approved(working_group)
    response = _verify(persona_client("anonymous"), meeting.minutes.fingerprint)
    html = response.content.decode()
    assert response.status_code == 200
    assert GENUINE in html and TAMPERED not in html and NOT_FOUND not in html
    assert "alert-success" in html
    assert working_group.name in html
    assert meeting.title in html
    assert "الف، ب" in html
    assert format_jalali_long(meeting.starts_at) in html
    assert to_persian_digits(meeting.minutes.letter_number) in html
    assert DISCUSSION not in html
    assert SUBSTITUTE not in html
    assert GUEST not in html
    for invitation in meeting.invitations.select_related("person"):
        assert invitation.person.full_name not in html
    for resolution in meeting.resolutions.all():
        assert resolution.text not in html


def test_verify_form_checks_the_fingerprint_given_in_the_query(working_group, persona_client):
    meeting = _approved(working_group)
    client = persona_client("anonymous")
    assert GENUINE not in client.get(reverse("resolutions:verify")).content.decode()
    spaced = " ".join(documents.fingerprint_groups(meeting.minutes.fingerprint.upper()))
    response = client.get(reverse("resolutions:verify"), {"f": spaced})
    assert response.status_code == 200
    assert GENUINE in response.content.decode()


def test_verify_page_says_not_genuine_after_tampering(working_group, persona_client):
    meeting = _approved(working_group)
    _tamper(meeting)
    response = _verify(persona_client("anonymous"), meeting.minutes.fingerprint)
    html = response.content.decode()
    assert response.status_code == 200
    assert TAMPERED in html and GENUINE not in html
    assert "alert-danger" in html
    assert "دستکاری" not in html


@pytest.mark.parametrize(
    "fingerprint",
    ["0" * 64, "f" * 64, "not-a-fingerprint", "<script>alert(1)", "ا" * 500, "%00"],
)
def test_verify_page_says_not_found_for_anything_else(db, persona_client, fingerprint):
    client = persona_client("anonymous")
    for response in (
        _verify(client, fingerprint),
        client.get(reverse("resolutions:verify"), {"f": fingerprint}),
    ):
        html = response.content.decode()
        assert response.status_code == 200
        assert NOT_FOUND in html and GENUINE not in html
        assert "<script>alert" not in html
