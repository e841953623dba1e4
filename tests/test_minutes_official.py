"""The minutes as an Iranian office files them (issue 13, points 1–4), read back from the
generated PDF and the print view: the deadline of N working days as its date and rule, the
referral's target body, the papers counted and listed, the guests (مهمانان) with their
signature rows, the secretary's and the chair's signatures, the letterhead (country,
governorate, body, emblem) and the historical minutes' true approval line."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import pypdf
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from committees.models import AttendanceStatus, Body, BodyKind, Closure, Meeting
from committees.services.meetings import (
    agenda_item_add,
    attendance_record,
    minutes_send_for_review,
)
from committees.services.papers import paper_add
from committees.workdays import add_working_days
from egov_portal.models import Province
from egov_portal.text.i18n import official_document
from egov_portal.text.jalali import format_jalali_short
from egov_portal.text.persian import normalize_for_search
from members.models import Agency
from resolutions.documents import minutes as documents
from resolutions.services.minutes import minutes_approve
from resolutions.services.resolutions import resolution_create
from tests.meeting_helpers import scheduled_meeting, user
from tests.test_uploads import pdf_bytes

GUEST = "سارا میهمان‌دوست"
GUEST_AGENCY = "دانشگاه گیلان"
PAPERS = ("گزارش پیشرفت پنجره واحد.pdf", "پیش‌نویس شیوه‌نامه.pdf")
# The papers' names as the PDF's text reads (the Latin extension is placed apart).
PAPER_STEMS = tuple(name.removesuffix(".pdf") for name in PAPERS)
RULE = "۱۰ روز کاری پس از ابلاغ"
HISTORICAL = "سند تاریخی؛ تأییدکننده در درگاه ثبت نشده است."
TEMPLATES = Path(__file__).resolve().parent.parent


def _held(body) -> Meeting:
    """A held meeting in review: everyone present, a guest, two papers on its agenda, a
    resolution due ten working days after its issue and one referred to the steering
    committee."""
    meeting = scheduled_meeting(body)
    item = agenda_item_add(meeting=meeting, title="شیوه‌نامه پنجره واحد")
    for name in PAPERS:
        paper_add(item=item, uploaded_file=SimpleUploadedFile(name, pdf_bytes()), user=None)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    meeting.refresh_from_db()
    statuses = {i.pk: {"attendance": AttendanceStatus.PRESENT} for i in meeting.invitations.all()}
    attendance_record(
        meeting=meeting, statuses=statuses, guests=[{"name": GUEST, "agency": GUEST_AGENCY}]
    )
    resolution_create(
        meeting=meeting,
        text="استقرار پنجره واحد خدمات",
        kind="assignment",
        responsible=[Agency.objects.get(name="اداره کل آموزش و پرورش")],
        deadline_working_days=10,
    )
    resolution_create(
        meeting=meeting,
        text="بررسی فنی درگاه یکپارچه",
        kind="referral",
        refer_to=Body.objects.get(kind=BodyKind.STEERING_COMMITTEE, jurisdiction="گیلان"),
    )
    minutes_send_for_review(meeting=meeting, deadline=timezone.now() + datetime.timedelta(days=2))
    meeting.refresh_from_db()
    return meeting


def _approved(body) -> Meeting:
    return minutes_approve(meeting=_held(body), user=user("chair"))


def _pdf(client, meeting: Meeting) -> bytes:
    response = client.get(reverse("resolutions:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def _text(pdf: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return normalize_for_search(" ".join(page.extract_text() for page in pages))


def _html(client, meeting: Meeting) -> str:
    response = client.get(reverse("resolutions:minutes_print", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _visual(text: str) -> str:
    """``text`` as pypdf reads it from a right-to-left line: each run of digits (with the
    slashes and colons between them) comes out reversed, «۱۴۰۵/۰۹/۲۳» as «۳۲/۹۰/۵۰۴۱»."""
    return re.sub(r"[0-9۰-۹][0-9۰-۹/:]*", lambda m: m[0][::-1], text)


def _has(text: str, *needles: str) -> None:
    for needle in needles:
        assert normalize_for_search(_visual(needle)) in text, needle


def _raster_images(pdf: bytes) -> set[tuple[int, int]]:
    """The sizes of the distinct raster images of the PDF (the QR code is vector art)."""
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return {image.image.size for page in pages for image in page.images}


def _png(colour=(11, 93, 75)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(out, format="PNG")
    return out.getvalue()


# --- 1. the deadline and the referral ------------------------------------------------------


def test_approved_minutes_print_the_working_day_deadline_as_date_and_rule(
    working_group, persona_client
):
    meeting = _approved(working_group)
    minutes = meeting.minutes
    due = format_jalali_short(add_working_days(timezone.localdate(minutes.approved_at), 10))
    directive = meeting.resolutions.get(order=1).directives.get()
    assert format_jalali_short(directive.due_date) == due  # the date the letter gives
    client = persona_client("member")
    text = _text(_pdf(client, meeting))
    _has(text, f"{due} — {RULE}")
    html = _html(client, meeting)
    assert due in html and RULE in html


def test_a_draft_prints_the_rule_and_no_date(working_group, persona_client):
    meeting = _held(working_group)
    text = _text(_pdf(persona_client("secretary"), meeting))
    _has(text, RULE)
    row = documents.minutes_document(meeting)["resolutions"][0]
    assert (row.deadline, row.deadline_rule) == ("", RULE)


def test_a_referral_prints_its_target_body(working_group, persona_client):
    meeting = _approved(working_group)
    steering = Body.objects.get(kind=BodyKind.STEERING_COMMITTEE, jurisdiction="گیلان")
    client = persona_client("member")
    _has(_text(_pdf(client, meeting)), f"ارجاع به {steering.name}")
    assert f"ارجاع به {steering.name}" in _html(client, meeting)


def test_the_printed_deadline_is_frozen_with_the_minutes(working_group, persona_client):
    """A closure announced after approval moves no printed date: a reprint never changes."""
    meeting = _approved(working_group)
    printed = meeting.minutes.snapshot["resolutions"][0]["deadline"]
    approved_on = timezone.localdate(meeting.minutes.approved_at)
    for offset in range(1, 4):
        Closure.objects.get_or_create(
            day=approved_on + datetime.timedelta(days=offset), defaults={"title": "برف"}
        )
    assert format_jalali_short(add_working_days(approved_on, 10)) != printed
    _has(_text(_pdf(persona_client("member"), meeting)), printed)


# --- 2. the papers -------------------------------------------------------------------------


def test_the_papers_are_counted_in_the_header_and_listed_at_the_end(working_group, persona_client):
    meeting = _approved(working_group)
    client = persona_client("member")
    text = _text(_pdf(client, meeting))
    _has(text, "پیوست: ۲ مورد", "پیوست‌ها", *PAPER_STEMS)
    assert normalize_for_search("پیوست: ندارد") not in text
    listing = text[text.rindex(normalize_for_search("پیوست‌ها")) :]
    _has(listing, *PAPER_STEMS, "دستور جلسه: شیوه‌نامه پنجره واحد")
    html = _html(client, meeting)
    assert "۲ مورد" in html and all(name in html for name in PAPERS)


def test_minutes_without_papers_say_none(working_group, persona_client):
    meeting = _held(working_group)
    with official_document():
        snapshot = documents.minutes_snapshot(meeting)
    snapshot["papers"] = []
    with official_document():
        context = documents.minutes_document_context(snapshot)
    assert context["papers"] == []
    with official_document():
        html = render_to_string("resolutions/includes/minutes_document.html", context)
    assert "پیوست:</span> ندارد" in html
    assert "پیوست‌ها" not in html


# --- 3. guests and signatures --------------------------------------------------------------


def test_guests_are_guests_and_sign_beside_the_secretary_and_the_chair(
    working_group, persona_client
):
    meeting = _approved(working_group)
    snapshot = meeting.minutes.snapshot
    assert snapshot["secretary"] and snapshot["chair"]
    client = persona_client("member")
    text = _text(_pdf(client, meeting))
    _has(text, "مهمانان", "امضای مهمانان", GUEST, GUEST_AGENCY, "دبیر جلسه", "رئیس جلسه")
    _has(text, snapshot["secretary"], snapshot["chair"])
    assert normalize_for_search("مدعوان") not in text
    html = _html(client, meeting)
    assert "مدعوان" not in html
    guests_table = html[html.index("guest-signatures") :]
    assert GUEST in guests_table[: guests_table.index("</table>")]
    assert html.count('class="officer"') == 2


def test_the_historical_minutes_say_who_approved_them_is_not_recorded(
    working_group, persona_client
):
    meeting = Meeting.objects.get(body=working_group, number=0)
    assert meeting.minutes.snapshot["approval"]["by"] == ""
    client = persona_client("anonymous")
    text = _text(_pdf(client, meeting))
    _has(text, HISTORICAL)
    assert normalize_for_search("تأییدشده در درگاه به دست") not in text
    html = _html(client, meeting)
    assert HISTORICAL in html and "به دست  در" not in html


# --- 4. the letterhead ---------------------------------------------------------------------


def test_the_letterhead_names_country_governorate_and_body(working_group, persona_client):
    meeting = _approved(working_group)
    client = persona_client("member")
    text = _text(_pdf(client, meeting))
    _has(text, "جمهوری اسلامی ایران", "استانداری گیلان", working_group.name, "بسمه‌تعالی")
    html = _html(client, meeting)
    for line in ("جمهوری اسلامی ایران", "استانداری گیلان", "بسمه\u200cتعالی"):
        assert line in html


def _no_repeated_province(text: str) -> None:
    """No «استان استان» (the body's name ending in «استان» and then «استان گیلان»)."""
    assert re.search(r"استان\s+استان", text) is None, text[:600]


def test_the_minutes_name_the_province_once_in_letterhead_title_and_footer(
    working_group, persona_client
):
    """«جلسه … کارگروه توسعه دولت الکترونیک استان گیلان» in the title and in every page's
    footer, «… استان گیلان» once in the letterhead, never «استان استان»; drafts alike."""
    full = "کارگروه توسعه دولت الکترونیک استان گیلان"
    for meeting, client in (
        (_held(working_group), persona_client("secretary")),
        (_approved(working_group), persona_client("member")),
    ):
        pdf = _pdf(client, meeting)
        title = normalize_for_search(f"{meeting.title} {full}")
        pages = [
            normalize_for_search(p.extract_text()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages
        ]
        assert len(pages) > 1
        for page in pages:  # the footer repeats the title on every page
            assert title in page
            _no_repeated_province(page)
        html = _html(client, meeting)
        assert f'<div class="body-name" dir="auto">{full}</div>' in html
        assert f'<div class="doc-subtitle">{meeting.title} {full}</div>' in html
        assert f"<title>صورتجلسه {meeting.title} {full} |" in html


def test_approved_minutes_name_the_province_with_their_snapshot_as_approved(working_group):
    """The full title is made at rendering from the snapshot's name and province: the
    snapshot keeps the bare name it was fingerprinted with, and still verifies."""
    minutes = _approved(working_group).minutes
    snapshot = minutes.snapshot
    before = documents.canonical_json(snapshot)
    assert snapshot["body"]["name"] == "کارگروه توسعه دولت الکترونیک استان"
    assert snapshot["version"] == documents.SNAPSHOT_VERSION == 2
    with official_document():
        context = documents.minutes_document_context(snapshot, fingerprint=minutes.fingerprint)
        html = render_to_string("resolutions/includes/minutes_document.html", context)
    assert context["body_title"] == "کارگروه توسعه دولت الکترونیک استان گیلان"
    # Rendering added nothing to the snapshot (the letterhead's dict is a copy of its own).
    assert documents.canonical_json(snapshot) == before
    assert documents.fingerprint_of(snapshot) == minutes.fingerprint
    assert "استان گیلان</div>" in html
    _no_repeated_province(html)


def test_the_governorate_comes_from_the_provinces_data(working_group, persona_client):
    Province.objects.filter(name="گیلان").update(authority="استانداری استان سبز")
    meeting = _approved(working_group)
    assert meeting.minutes.snapshot["letterhead"]["authority"] == "استانداری استان سبز"
    _has(_text(_pdf(persona_client("member"), meeting)), "استانداری استان سبز")


def test_without_an_emblem_the_letterhead_has_a_neutral_placeholder(working_group, persona_client):
    meeting = _approved(working_group)
    client = persona_client("member")
    assert _raster_images(_pdf(client, meeting)) == set()
    html = _html(client, meeting)
    assert 'class="emblem emblem-placeholder"' in html and 'class="emblem" src=' not in html


def test_the_emblem_an_administrator_sets_is_embedded(working_group, persona_client):
    province = Province.objects.get(name="گیلان")
    province.emblem.save("emblem.png", ContentFile(_png()), save=True)
    draft = _held(working_group)
    assert _raster_images(_pdf(persona_client("secretary"), draft)) == {(64, 64)}
    meeting = _approved(working_group)
    client = persona_client("member")
    html = _html(client, meeting)
    assert 'class="emblem" src="data:image/png;base64,' in html
    assert "emblem-placeholder" not in html


def test_an_administrator_sets_the_emblem_in_the_admin(working_group, persona_client):
    province = Province.objects.get(name="گیلان")
    client = persona_client("admin")
    url = reverse("admin:egov_portal_province_change", args=[province.pk])
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("nishan.png", _png(), content_type="image/png")
    response = client.post(url, {"name": "گیلان", "authority": "استانداری گیلان", "emblem": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    province.refresh_from_db()
    assert province.emblem
    not_an_image = SimpleUploadedFile("nishan.png", b"not an image", content_type="image/png")
    response = client.post(
        url, {"name": "گیلان", "authority": "استانداری گیلان", "emblem": not_an_image}
    )
    assert response.status_code == 200  # refused with the form's error
    province.refresh_from_db()
    assert province.emblem.name.startswith("emblems/")


def test_load_structure_records_the_province_and_keeps_the_administrators_edits(working_group):
    assert Province.objects.get(name="گیلان").authority == "استانداری گیلان"
    Province.objects.filter(name="گیلان").update(authority="استانداری گیلان (ویراسته)")
    call_command("load_structure", stdout=io.StringIO())
    assert Province.objects.get(name="گیلان").authority == "استانداری گیلان (ویراسته)"


def test_invocation_is_spelt_one_way_in_every_template():
    """«بسمه‌تعالی» with a zero-width non-joiner, never with a space or run together."""
    found = []
    for path in TEMPLATES.glob("*/templates/**/*.html"):
        for spelling in re.findall(r"بسمه\W*تعالی", path.read_text(encoding="utf-8")):
            found.append((path.name, spelling))
    assert found, "no template prints the invocation"
    assert {spelling for _name, spelling in found} == {"بسمه\u200cتعالی"}, found


# --- snapshots of the first shape still print ----------------------------------------------


def test_a_version_one_snapshot_prints_as_before(working_group):
    meeting = _approved(working_group)
    snapshot = dict(meeting.minutes.snapshot)
    for key in ("letterhead", "secretary", "papers"):
        del snapshot[key]
    snapshot["version"] = 1
    snapshot["resolutions"] = [
        {k: v for k, v in r.items() if k not in ("deadline_rule", "refer_to")}
        for r in snapshot["resolutions"]
    ]
    with official_document():
        context = documents.minutes_document_context(snapshot, fingerprint="ab" * 32)
        html = render_to_string("resolutions/includes/minutes_document.html", context)
    assert context["letterhead"]["authority"] == "استانداری گیلان"
    assert "استانداری گیلان" in html
    assert f"{snapshot['meeting']['title']} کارگروه توسعه دولت الکترونیک استان گیلان" in html
    assert "پیوست:</span> ندارد" in html and "پیوست‌ها" not in html
