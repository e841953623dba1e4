"""Approved minutes print, and are verified against, the snapshot frozen at their approval.

* A routine correction in the admin — a person's surname, an agency's, a body's or a seat's
  name — shows on the live pages only: the minutes still print the old name and still
  verify.
* The fingerprint covers every field the minutes print. Two tests hold the printed fields
  and the fingerprinted ones to each other: every value of the snapshot is printed (each
  appears in the document, and changing any one of them changes the document), and the
  document reads nothing but the snapshot (its context is plain data made of the snapshot,
  rendered with no query, and no variable of the templates is looked up outside it).
* A change behind the portal's back to a printed field (the end time, a presenter) leaves
  the minutes and their verification as approved; a change to the snapshot itself is
  caught by verification.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import importlib
import io
import json

import jdatetime
import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.template import Context, engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from committees.models import AttendanceStatus, Body, BodyKind, Meeting, Minutes, Seat
from committees.services.meetings import (
    agenda_item_add,
    attendance_record,
    minutes_send_for_review,
    minutes_update,
)
from committees.services.papers import paper_add
from egov_portal.models import Slogan
from egov_portal.text.i18n import official_document
from egov_portal.text.persian import normalize_for_search
from members.models import Agency
from resolutions.documents import minutes as documents
from resolutions.documents.minutes import fingerprint_of, minutes_snapshot
from resolutions.selectors.minutes import minutes_verify
from resolutions.services.minutes import minutes_approve
from resolutions.services.resolutions import resolution_create
from tests.meeting_helpers import held_meeting, scheduled_meeting, user
from tests.test_uploads import pdf_bytes

GENUINE = "این صورتجلسه معتبر است"
TAMPERED = "اثر انگشت با سوابق درگاه نمی‌خواند؛ این نسخه معتبر نیست"
EDUCATION = "اداره کل آموزش و پرورش"
WATER = "شرکت آب و فاضلاب"
PRESENTER = "دبیرخانه کارگروه"

# The templates of the minutes: the document itself, and the PDF and the print view around it.
TEMPLATES = (
    "resolutions/includes/minutes_document.html",
    "resolutions/pdf/minutes.html",
    "resolutions/minutes_print.html",
)


def _approved(body) -> Meeting:
    """Approved minutes with every kind of printed field filled in: an end time, a preamble,
    a presenter and a discussion, each kind of attendance, a guest from an agency,
    resolutions addressed to agencies, to all of them, amending an earlier one, and
    referring a matter to a lower body within ten working days, and an agenda paper."""
    earlier = held_meeting(body)
    minutes_send_for_review(meeting=earlier, deadline=timezone.now() + datetime.timedelta(days=2))
    amended = resolution_create(meeting=earlier, text="راه‌اندازی میز خدمت", kind="assignment")
    minutes_approve(meeting=earlier, user=user("chair"))
    amended.refresh_from_db()
    amended.meeting.refresh_from_db()

    meeting = scheduled_meeting(body)
    agenda_item_add(meeting=meeting, title="امنیت داده‌های دستگاه‌ها", presenter=PRESENTER)
    starts_at = timezone.now() - datetime.timedelta(hours=2)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(minutes=90)
    )
    meeting.refresh_from_db()
    invitations = list(meeting.invitations.order_by("pk"))
    statuses = {i.pk: {"attendance": AttendanceStatus.PRESENT} for i in invitations}
    statuses[invitations[-1].pk] = {
        "attendance": AttendanceStatus.SUBSTITUTE,
        "substitute_name": "کامران جانشین‌پور",
        "substitute_post": "معاون فناوری",
    }
    statuses[invitations[-2].pk] = {"attendance": AttendanceStatus.ABSENT}
    statuses[invitations[-3].pk] = {"attendance": AttendanceStatus.EXCUSED}
    attendance_record(
        meeting=meeting, statuses=statuses, guests=[{"name": "سارا میهمان", "agency": "دانشگاه"}]
    )
    items = list(meeting.agenda_items.order_by("order"))
    minutes_update(
        meeting=meeting,
        preamble="جلسه با تلاوت آیاتی از کلام‌الله مجید آغاز شد.\nسپس دبیر گزارش داد.",
        discussions={items[0].pk: "گزارش پیشرفت خدمات", items[1].pk: "بحث درباره امنیت"},
    )
    resolution_create(
        meeting=meeting,
        text="تهیه سامانه یکپارچه",
        kind="assignment",
        responsible=[Agency.objects.get(name=EDUCATION)],
        collaborating=[Agency.objects.get(name=WATER)],
        deadline=jdatetime.date(1406, 1, 15),
    )
    resolution_create(meeting=meeting, text="گزارش فصلی", kind="assignment", all_agencies=True)
    resolution_create(meeting=meeting, text="اصلاح مهلت", kind="assignment", amends=amended)
    resolution_create(
        meeting=meeting,
        text="بررسی فنی درگاه یکپارچه",
        kind="referral",
        refer_to=Body.objects.get(kind=BodyKind.STEERING_COMMITTEE, jurisdiction="گیلان"),
        deadline_working_days=10,
    )
    paper_add(
        item=items[1], uploaded_file=SimpleUploadedFile("گزارش امنیت.pdf", pdf_bytes()), user=None
    )
    minutes_send_for_review(meeting=meeting, deadline=timezone.now() + datetime.timedelta(days=2))
    return minutes_approve(meeting=meeting, user=user("chair"))


def _print_html(client, meeting: Meeting) -> str:
    response = client.get(reverse("resolutions:minutes_print", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _pdf_text(client, meeting: Meeting) -> str:
    response = client.get(reverse("resolutions:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    pages = pypdf.PdfReader(io.BytesIO(response.content)).pages
    return normalize_for_search(" ".join(page.extract_text() for page in pages))


def _verdict(client, fingerprint: str) -> str:
    response = client.get(reverse("resolutions:verify_fingerprint", args=[fingerprint]))
    assert response.status_code == 200
    return response.content.decode()


def _behind_the_portals_back(sql: str, params: list) -> None:
    """Run ``sql`` as a stray script would. On PostgreSQL the freeze trigger refuses it, so
    it runs again with the triggers skipped, as a superuser restoring a doctored dump can."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            refused = pytest.raises(DatabaseError, match="approved minutes are frozen")
            with refused, transaction.atomic():
                cursor.execute(sql, params)
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


# --- the snapshot and its fingerprint ------------------------------------------------------


def test_approval_freezes_the_snapshot_and_fingerprints_it(working_group):
    meeting = _approved(working_group)
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.snapshot == minutes_snapshot(meeting)
    canonical = json.dumps(
        minutes.snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    assert minutes.fingerprint == hashlib.sha256(canonical.encode()).hexdigest()
    snapshot = minutes.snapshot
    assert snapshot["body"]["name"] == working_group.name
    assert "–" in snapshot["meeting"]["time"]  # the end time is printed, so frozen
    assert PRESENTER in [item["presenter"] for item in snapshot["agenda"]]
    assert snapshot["resolutions"][0]["responsible"] == [EDUCATION]
    assert snapshot["resolutions"][0]["collaborating"] == [WATER]
    assert snapshot["resolutions"][2]["amends"].startswith("بند الف جلسه")
    assert snapshot["chair"] == user("chair").person.full_name


def test_the_founding_meeting_has_a_snapshot_that_verifies(working_group):
    meeting = Meeting.objects.get(body=working_group, number=0)
    snapshot = meeting.minutes.snapshot
    assert [r["label"] for r in snapshot["resolutions"]] == ["الف", "ج"]
    assert snapshot["meeting"]["title"] == "جلسه مورخ ۱۳۹۴/۰۲/۰۷"
    assert meeting.minutes.fingerprint == fingerprint_of(snapshot)
    assert minutes_verify(meeting.minutes.fingerprint).genuine


def test_the_demo_minutes_have_snapshots_that_verify(db):
    approved = Minutes.objects.filter(meeting__state="approved")
    assert approved.count() >= 2  # the founding meeting and the demo's approved meeting
    for minutes in approved:
        assert minutes.snapshot and minutes_verify(minutes.fingerprint).genuine


# --- the printed fields are the fingerprinted ones -----------------------------------------


def _leaves(value, path=()):
    """Every scalar of the snapshot with its path, e.g. (("agenda", 1, "presenter"), "…")."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


def _replaced(snapshot: dict, path: tuple, value) -> dict:
    copy = json.loads(json.dumps(snapshot))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return copy


def _other(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, str):
        return value + " دیگر"
    raise AssertionError(f"the test does not know how to change {value!r}")


def _document(snapshot: dict, fingerprint: str) -> str:
    with official_document():
        context = documents.minutes_document_context(snapshot, fingerprint=fingerprint)
        return render_to_string("resolutions/includes/minutes_document.html", context)


# The snapshot's one value that is not printed: the number of its shape.
NOT_PRINTED = {("version",)}


def test_every_value_of_the_snapshot_is_printed(working_group):
    """Each value of the snapshot appears in the document, and changing any single one of
    them changes the document: the fingerprint covers nothing that is not printed."""
    meeting = _approved(working_group)
    minutes = meeting.minutes
    original = _document(minutes.snapshot, minutes.fingerprint)
    leaves = list(_leaves(minutes.snapshot))
    assert {path for path, value in leaves if not isinstance(value, str | bool)} == NOT_PRINTED
    for path, value in leaves:
        if path in NOT_PRINTED:
            continue
        if isinstance(value, str) and path[-1] != "status":  # the status picks the list
            for line in value.splitlines():
                assert escape(line) in original, path
        changed = _document(_replaced(minutes.snapshot, path, _other(value)), minutes.fingerprint)
        assert changed != original, path


class _RecordingContext(Context):
    """A template context that notes every name looked up in it and not found."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.missing: set[str] = set()

    def __getitem__(self, key):
        try:
            return super().__getitem__(key)
        except KeyError:
            self.missing.add(key)
            raise

    def get(self, key, otherwise=None):
        if not any(key in d for d in self.dicts):
            self.missing.add(key)
        return super().get(key, otherwise)


def test_the_recording_context_notices_every_name_not_found():
    """The probe the next test relies on: a name read by ``{{ }}``, ``{% if %}``, ``{% for %}``
    or ``{% blocktranslate with %}`` and missing from the context is noted."""
    template = engines["django"].from_string(
        "{% load i18n %}{{ shown.name }}{% if asked %}{% endif %}{% for x in listed %}{% endfor %}"
        "{% blocktranslate with n=named %}{{ n }}{% endblocktranslate %}{{ known }}"
    )
    recording = _RecordingContext({"known": "x"})
    template.template.render(recording)
    assert recording.missing == {"shown", "asked", "listed", "named"}


def _plain(value) -> bool:
    """Whether ``value`` is plain data: text, numbers, flags, and lists, dicts and the
    document's row dataclasses of them; no model, query set or lazy object."""
    if dataclasses.is_dataclass(value):
        return all(_plain(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_plain(item) for item in value)
    return type(value) in (str, bool, int)


def test_the_minutes_print_nothing_but_the_snapshot(
    working_group, persona_client, django_assert_num_queries
):
    """The approved minutes' context is the one made of their snapshot, it is plain data,
    making and rendering it reads nothing from the database, and no variable of the three
    templates is looked up outside it (loop variables and the language are set by the
    templates' own tags). With no request, no context processor adds anything either."""
    meeting = _approved(working_group)
    minutes = meeting.minutes
    response = persona_client("member").get(reverse("resolutions:minutes_print", args=[meeting.pk]))
    from_snapshot = documents.minutes_document_context(
        minutes.snapshot, fingerprint=minutes.fingerprint
    )
    served = {key: response.context[key] for key in from_snapshot}
    assert served == from_snapshot
    assert _plain(from_snapshot)
    engine = engines["django"].engine
    for name in TEMPLATES:
        template = engine.get_template(name)
        with official_document(), django_assert_num_queries(0):
            context = documents.minutes_document_context(
                minutes.snapshot, fingerprint=minutes.fingerprint
            )
            context["pdf_url"] = "/minutes.pdf"  # the print view's link, not part of the minutes
            recording = _RecordingContext(context)
            html = template.render(recording)
        assert recording.missing == set(), (name, recording.missing)
        assert minutes.snapshot["meeting"]["place"] in html


# --- renames after approval ----------------------------------------------------------------


def _rename_person(meeting):
    person = user("chair").person
    old = person.full_name
    person.last_name = "نیک‌نام‌تازه"
    person.save()
    return old, person.full_name, reverse("committees:body_detail", args=[meeting.body_id])


def _rename_agency(meeting):
    agency = Agency.objects.get(name=EDUCATION)
    agency.name = "سازمان پرورش استعدادها"
    agency.save()
    return EDUCATION, agency.name, reverse("committees:agency_detail", args=[agency.pk])


def _rename_body(meeting):
    body = Body.objects.get(pk=meeting.body_id)
    old = body.name
    body.name = "شورای هوشمندسازی استان"
    body.save()
    return old, body.name, reverse("committees:body_detail", args=[body.pk])


def _rename_seat(meeting):
    invitation = meeting.invitations.filter(attendance=AttendanceStatus.PRESENT, seat__isnull=False)
    seat = Seat.objects.get(pk=invitation.order_by("seat__order").last().seat_id)
    old = seat.title
    seat.title = "جایگاه بازنامیده"
    seat.save()
    return old, seat.title, reverse("committees:body_detail", args=[seat.body_id])


@pytest.mark.parametrize(
    "rename", [_rename_person, _rename_agency, _rename_body, _rename_seat], ids=lambda f: f.__name__
)
def test_a_rename_after_approval_shows_on_live_pages_only(working_group, persona_client, rename):
    meeting = _approved(working_group)
    fingerprint = meeting.minutes.fingerprint
    client = persona_client("member")
    before = _print_html(client, meeting)

    old, new, live_page = rename(meeting)

    assert new not in before and old in before
    assert GENUINE in _verdict(persona_client("anonymous"), fingerprint)
    assert _print_html(client, meeting) == before
    pdf = _pdf_text(client, meeting)
    assert normalize_for_search(new) not in pdf
    # A narrow table cell may wrap a name, and the PDF's text then comes out in pieces.
    assert all(normalize_for_search(word) in pdf for word in old.split())
    assert new in client.get(live_page).content.decode()


# --- changes behind the portal's back ------------------------------------------------------


def _change_end_time(meeting):
    ends_at = meeting.starts_at + datetime.timedelta(hours=5)
    _behind_the_portals_back(
        "UPDATE committees_meeting SET ends_at = %s WHERE id = %s", [ends_at, meeting.pk]
    )
    assert Meeting.objects.get(pk=meeting.pk).ends_at == ends_at


def _change_presenter(meeting):
    _behind_the_portals_back(
        "UPDATE committees_agendaitem SET presenter = %s WHERE meeting_id = %s",
        ["ارائه‌دهنده ساختگی", meeting.pk],
    )
    assert meeting.agenda_items.filter(presenter="ارائه‌دهنده ساختگی").exists()


@pytest.mark.parametrize("change", [_change_end_time, _change_presenter], ids=lambda f: f.__name__)
def test_a_printed_field_changed_in_the_database_leaves_the_minutes_as_approved(
    working_group, persona_client, change
):
    meeting = _approved(working_group)
    fingerprint = meeting.minutes.fingerprint
    client = persona_client("member")
    html, pdf = _print_html(client, meeting), _pdf_text(client, meeting)

    change(meeting)

    assert _print_html(client, meeting) == html
    assert _pdf_text(client, meeting) == pdf
    assert GENUINE in _verdict(persona_client("anonymous"), fingerprint)


@pytest.mark.parametrize(
    "path",
    [
        ("meeting", "time"),
        ("agenda", 1, "presenter"),
        ("attendance", 0, "name"),
        ("body", "name"),
        ("resolutions", 0, "responsible", 0),
        ("resolutions", 0, "deadline"),
        ("approval", "by"),
    ],
    ids=lambda path: "-".join(map(str, path)),
)
def test_a_changed_snapshot_is_caught_by_verification(working_group, persona_client, path):
    meeting = _approved(working_group)
    minutes = meeting.minutes
    assert GENUINE in _verdict(persona_client("anonymous"), minutes.fingerprint)
    target = minutes.snapshot
    for key in path:
        target = target[key]
    tampered = _replaced(minutes.snapshot, path, _other(target))
    _behind_the_portals_back(
        "UPDATE committees_minutes SET snapshot = %s WHERE id = %s",
        [json.dumps(tampered, ensure_ascii=False), minutes.pk],
    )
    html = _verdict(persona_client("anonymous"), minutes.fingerprint)
    assert TAMPERED in html and GENUINE not in html
    assert not minutes_verify(minutes.fingerprint).genuine


# --- minutes approved before snapshots ----------------------------------------------------


class _SchemaEditor:
    """What the data migration uses of a schema editor, inside the test's transaction."""

    connection = connection

    def execute(self, sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_the_migration_gives_earlier_minutes_a_snapshot_and_their_copies_still_verify(
    working_group, persona_client
):
    meeting = _approved(working_group)
    minutes = meeting.minutes
    # Minutes as approved before snapshots: a canonical text and its hash, nothing else.
    canonical = json.dumps({"body": working_group.name, "meeting": meeting.number})
    printed = hashlib.sha256(canonical.encode()).hexdigest()
    _behind_the_portals_back(
        "UPDATE committees_minutes SET snapshot = '{}', fingerprint = %s, canonical = %s "
        "WHERE id = %s",
        [printed, canonical, minutes.pk],
    )
    person = user("chair").person  # renamed since, as went wrong before snapshots
    person.last_name = "نیک‌نام‌تازه"
    person.save()

    migration = importlib.import_module("resolutions.migrations.0005_snapshot_approved_minutes")
    node = ("resolutions", "0005_snapshot_approved_minutes")
    historical = MigrationLoader(connection).project_state(node, at_end=False).apps
    migration.forwards(historical, _SchemaEditor())
    migration.forwards(historical, _SchemaEditor())  # a second run changes nothing

    minutes.refresh_from_db()
    assert minutes.previous_fingerprint == printed
    assert minutes.snapshot == minutes_snapshot(meeting)  # the same as the portal's own code
    assert minutes.fingerprint == fingerprint_of(minutes.snapshot) != printed
    assert person.full_name in minutes.snapshot["chair"]
    client = persona_client("anonymous")
    earlier_copy = _verdict(client, printed)
    assert GENUINE in earlier_copy and minutes.fingerprint in earlier_copy
    assert GENUINE in _verdict(client, minutes.fingerprint)
    assert minutes.fingerprint in _print_html(persona_client("member"), meeting)
    if connection.vendor == "postgresql":  # the freeze is back on
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE committees_minutes SET preamble = 'x' WHERE id = %s", [minutes.pk]
            )


def test_the_slogan_printed_is_frozen_with_the_minutes(working_group, persona_client):
    meeting = _approved(working_group)
    year = jdatetime.date.fromgregorian(date=timezone.localdate(meeting.starts_at)).year
    at_approval = Slogan.objects.filter(year=year).values_list("text", flat=True).first() or ""
    assert meeting.minutes.snapshot["slogan"] == at_approval
    Slogan.objects.update_or_create(year=year, defaults={"text": "شعاری که بعدها ثبت شد"})
    html = _print_html(persona_client("member"), meeting)
    assert "شعاری که بعدها ثبت شد" not in html
    assert at_approval in html
