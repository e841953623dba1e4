"""A province's years as data (``manage.py seed_scale``): agencies, posts and tenures,
meetings with approved minutes, resolutions, directives in every state with their history,
progress reports and evidence records, referrals, notices and audit events.

Everything is fictional and deterministic: one ``random.Random(seed)`` draws every choice,
so two runs with the same seed, scale and end date give the same rows (and the same
letter numbers). Rows are written with ``bulk_create`` in batches: no ``save()``, no
signals, so the audit trail's capture does not fire for them (the seed writes its own
audit events, dated like the rest). Timestamps are those of the story, not of the run.

The rules the services keep still hold: letter numbers come after each body's
``LetterSequence`` and move it on; tenures of a post never overlap; a meeting's agenda,
invitations, minutes and resolutions are written while the meeting is still in review,
its snapshot and fingerprint come from the real ``minutes_snapshot``/``fingerprint_of``, and only
then is the meeting marked approved (PostgreSQL's triggers refuse anything later).
"""

from __future__ import annotations

import datetime
import hashlib
import random
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass

import jdatetime
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone

from committees.models import (
    AgendaItem,
    AttendanceStatus,
    Body,
    BodyKind,
    BodyUserObjectPermission,
    Guest,
    Invitation,
    Meeting,
    MeetingState,
    Membership,
    Minutes,
    Seat,
    SeatKind,
    SeatRole,
)
from egov_portal.models import AuditAction, AuditEvent, AuditSource, Notification
from egov_portal.text.i18n import portal_language
from egov_portal.text.jalali import to_jalali
from egov_portal.text.persian import normalize_for_search, to_persian_digits
from members.models import (
    Agency,
    AgencyKind,
    AgencyUserObjectPermission,
    Person,
    Position,
    PositionHolding,
    Sector,
)
from resolutions.documents.minutes import fingerprint_of, minutes_snapshot
from resolutions.models import (
    AgencyRole,
    Directive,
    DirectiveEvent,
    DirectiveState,
    Evidence,
    LetterSequence,
    ProgressReport,
    Referral,
    ReferralState,
    Resolution,
    ResolutionAgency,
    ResolutionKind,
)
from resolutions.services.directives import due_date_for, letter_number_for

# Bump when the shape of the seeded data changes (the benchmark rebuilds its databases).
SCALE_VERSION = 1
DEFAULT_SEED = 1405
BATCH = 2000

# A busy province, per year at scale 1: agencies in all, meetings per body, resolutions.
AGENCIES = 300
MEETINGS_PER_YEAR = {
    BodyKind.WORKING_GROUP: 12,
    BodyKind.STEERING_COMMITTEE: 24,
    BodyKind.SUBCOMMITTEE: 21,  # each of the four
}
RESOLUTIONS_PER_YEAR = 3000

CITIES = (
    "رشت", "لاهیجان", "لنگرود", "بندر انزلی", "آستارا", "تالش", "فومن", "صومعه‌سرا",
    "رودسر", "آستانه اشرفیه", "ماسال", "شفت", "رودبار", "املش", "سیاهکل", "رضوانشهر",
)  # fmt: skip
THEMES = (
    "آموزش و پرورش", "بهداشت و درمان", "راه و شهرسازی", "جهاد کشاورزی", "منابع طبیعی",
    "میراث فرهنگی و گردشگری", "ورزش و جوانان", "فرهنگ و ارشاد اسلامی", "ثبت اسناد و املاک",
    "ثبت احوال", "تعاون، کار و رفاه اجتماعی", "بهزیستی", "دامپزشکی", "حفاظت محیط زیست",
    "صنعت، معدن و تجارت", "امور مالیاتی", "تأمین اجتماعی", "آب و فاضلاب", "توزیع برق",
    "گاز", "پست", "کتابخانه‌های عمومی", "اوقاف و امور خیریه", "استاندارد", "هواشناسی",
    "آموزش فنی و حرفه‌ای", "شیلات", "راهداری و حمل و نقل جاده‌ای", "نوسازی مدارس", "بیمه سلامت",
)  # fmt: skip
FIRST_NAMES = (
    "علی", "محمد", "حسین", "رضا", "مهدی", "امیر", "سعید", "مجید", "کاوه", "بهرام", "فرهاد",
    "مریم", "زهرا", "فاطمه", "نرگس", "لیلا", "سمیرا", "الهام", "مینا", "شیرین", "پریسا", "آزاده",
)  # fmt: skip
LAST_NAMES = (
    "احمدی", "محمدی", "حسینی", "رضایی", "کریمی", "موسوی", "جعفری", "قاسمی", "صادقی", "رحیمی",
    "نوروزی", "هاشمی", "کاظمی", "یوسفی", "مرادی", "اکبری", "ملکی", "صالحی", "پورمحمد", "گیلانی",
    "رشتی", "لاهیجی", "طالقانی", "میرزایی", "بابایی", "عباسی", "فلاحی", "شریفی", "نیکو", "دهقان",
)  # fmt: skip
TOPICS = (
    "پنجره واحد خدمات الکترونیک", "پرداخت الکترونیک قبوض", "امنیت شبکه", "مرکز داده استان",
    "پرونده الکترونیک سلامت", "تبادل الکترونیک نامه‌ها", "احراز هویت یکپارچه", "نسخه پشتیبان",
    "خدمات پرمراجعه", "آموزش کارکنان", "اتصال به شبکه ملی اطلاعات", "سامانه مکاتبات اداری",
    "استعلام‌های برخط", "میز خدمت الکترونیک", "داده‌های باز", "ارزیابی امنیتی سامانه‌ها",
)  # fmt: skip
VERBS = (
    "تا پایان مهلت راه‌اندازی شود", "گزارش آن به دبیرخانه فرستاده شود", "به‌روز و تکمیل شود",
    "با درگاه یکپارچه استان پیوند داده شود", "برای همه واحدهای تابعه اجرا شود",
    "طرح اجرایی آن تهیه و تصویب شود",
)  # fmt: skip
EVIDENCE_NAME = "evidence/scale/sample.pdf"
EVIDENCE_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
IT_MANAGER_TITLE = "مدیر فناوری اطلاعات"
HEAD_TITLE = "مدیر"

User = get_user_model()


@dataclass(frozen=True)
class ScalePlan:
    """How much to build: ``years`` ending ``until``, everything multiplied by ``scale``."""

    years: int
    until: datetime.date
    seed: int = DEFAULT_SEED
    scale: float = 1.0

    @property
    def start(self) -> datetime.date:
        return self.until - datetime.timedelta(days=365 * self.years)

    def scaled(self, n: int, minimum: int = 1) -> int:
        return max(minimum, round(n * self.scale))


def scale_marker(plan: ScalePlan) -> str:
    """What identifies a seeded database (the benchmark keeps it as a comment on it)."""
    return (
        f"seed_scale v{SCALE_VERSION} years={plan.years} seed={plan.seed} "
        f"scale={plan.scale:g} until={plan.until.isoformat()}"
    )


@contextmanager
def explicit_timestamps(*model_classes: type[models.Model]):
    """Let bulk inserts keep the story's times: ``auto_now``/``auto_now_add`` would stamp
    every row with the moment of the run."""
    saved = []
    for model in model_classes:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


STAMPED = (
    Agency, Person, Position, PositionHolding, Membership, Meeting, AgendaItem, Invitation,
    Guest, Minutes, Resolution, Directive, DirectiveEvent, ProgressReport, Evidence, Referral,
    Notification, AuditEvent,
)  # fmt: skip


def _stamp(at: datetime.datetime) -> dict:
    return {"created_at": at, "updated_at": at}


class Seeder:
    def __init__(self, plan: ScalePlan, log: Callable[[str], None]):
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.log = log
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.now = timezone.now()
        self.counts: Counter[str] = Counter()
        self.password = ""

    # --- helpers -----------------------------------------------------------------------

    def at(self, day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
        moment = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)
        return min(moment, self.now - datetime.timedelta(minutes=1))

    def later(self, moment: datetime.datetime, low: int, high: int) -> datetime.datetime:
        result = moment + datetime.timedelta(
            days=self.rng.randint(low, high), minutes=self.rng.randint(0, 480)
        )
        return min(result, self.now - datetime.timedelta(minutes=1))

    def insert(self, model: type[models.Model], rows: list) -> list:
        if rows:
            model.objects.bulk_create(rows, batch_size=BATCH)
            self.counts[model._meta.label] += len(rows)
        return rows

    def insert_plain(self, model: type[models.Model], fields: tuple[str, ...], rows: list) -> None:
        """Rows as tuples of ``fields``, for the largest append-only tables: on PostgreSQL one
        multi-row INSERT per batch without model instances (several times faster than
        ``bulk_create``); elsewhere ``bulk_create``."""
        if not rows:
            return
        self.counts[model._meta.label] += len(rows)
        if connection.vendor != "postgresql":
            objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
            model.objects.bulk_create(objects, batch_size=BATCH)
            return
        from psycopg2.extras import Json, execute_values

        json_fields = {
            i
            for i, f in enumerate(fields)
            if isinstance(model._meta.get_field(f), models.JSONField)
        }
        if json_fields:
            rows = [
                tuple(Json(v) if i in json_fields else v for i, v in enumerate(row)) for row in rows
            ]
        columns = ", ".join(
            connection.ops.quote_name(model._meta.get_field(f).column) for f in fields
        )
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            execute_values(
                cursor.cursor, f"INSERT INTO {table} ({columns}) VALUES %s", rows, page_size=BATCH
            )

    def person(self, agency: Agency | None, at: datetime.datetime) -> Person:
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        return Person(
            first_name=first,
            last_name=last,
            title=self.rng.choice(("", "", "مهندس", "دکتر")),
            agency=agency,
            email="",
            search_text=normalize_for_search(f"{first} {last}"),
            **_stamp(at),
        )

    def tenures(self, first_start: datetime.date, end: datetime.date | None, length=(700, 1500)):
        """Consecutive tenures from ``first_start``: up to ``end`` (the last one closed on
        it) or, with ``end`` None, up to the plan's end with the last one still open."""
        result, start = [], first_start
        limit = end or self.plan.until
        while start < limit:
            stop = start + datetime.timedelta(days=self.rng.randint(*length))
            if stop >= limit:
                result.append((start, end))
                break
            result.append((start, stop))
            start = stop
        return result

    # --- agencies, posts, people ---------------------------------------------------------

    def agencies(self) -> None:
        start = self.at(self.plan.start - datetime.timedelta(days=400))
        existing = set(Agency.objects.values_list("name", flat=True))
        names = [f"اداره {theme} {city}" for city in CITIES for theme in THEMES]
        self.rng.shuffle(names)
        wanted = max(0, self.plan.scaled(AGENCIES, minimum=20) - len(existing))
        rows = []
        for name in names:
            if len(rows) >= wanted:
                break
            if name in existing:
                continue
            rows.append(
                Agency(
                    name=name,
                    kind=AgencyKind.DIRECTORATE,
                    sector=Sector.PUBLIC,
                    search_text=normalize_for_search(name),
                    **_stamp(start),
                )
            )
        self.insert(Agency, rows)
        self.all_agencies = list(Agency.objects.filter(is_active=True).order_by("name", "pk"))

    def posts(self) -> None:
        """A head and an IT manager for each new agency, an IT manager for each other agency
        without one, their tenures over the years (the current IT manager with an account
        and the agency's right), and earlier holders of the structure's own posts."""
        permission = Permission.objects.get(
            content_type__app_label="members", codename="manage_agency_directives"
        )
        managed = set(
            AgencyUserObjectPermission.objects.filter(permission=permission).values_list(
                "content_object_id", flat=True
            )
        )
        taken = set(Position.objects.values_list("agency_id", "title"))
        start = self.at(self.plan.start - datetime.timedelta(days=400))
        new_positions = []
        for agency in self.all_agencies:
            titles = []
            if (agency.pk, HEAD_TITLE) not in taken and not agency.positions.exists():
                titles.append(HEAD_TITLE)
            if agency.pk not in managed and (agency.pk, IT_MANAGER_TITLE) not in taken:
                titles.append(IT_MANAGER_TITLE)
            for title in titles:
                new_positions.append(
                    Position(
                        agency=agency,
                        title=title,
                        search_text=normalize_for_search(title),
                        **_stamp(start),
                    )
                )
        self.insert(Position, new_positions)

        # Tenures: new posts from before the period to today; existing posts' earlier holders.
        plans: list[tuple[Position, datetime.date, datetime.date | None]] = []
        for position in new_positions:
            first = self.plan.start - datetime.timedelta(days=self.rng.randint(0, 900))
            plans += [(position, s, e) for s, e in self.tenures(first, None)]
        earliest = dict(
            PositionHolding.objects.values("position_id")
            .annotate(first=models.Min("start_date"))
            .values_list("position_id", "first")
        )
        for position in Position.objects.exclude(pk__in=[p.pk for p in new_positions]).order_by(
            "pk"
        ):
            first = self.plan.start - datetime.timedelta(days=self.rng.randint(0, 900))
            until = earliest.get(position.pk)
            until = until.togregorian() if until is not None else None
            if until is None:
                plans += [(position, s, e) for s, e in self.tenures(first, None)]
            elif first < until:
                plans += [(position, s, e) for s, e in self.tenures(first, until)]

        # The current IT managers sign in: one account each, with the agency's right.
        hashed = make_password(self.password)
        users, people = [], []
        for position, s, e in plans:
            person = self.person(position.agency, self.at(s))
            if position.title == IT_MANAGER_TITLE and e is None:
                person.user = User(
                    username=f"scale-it-{position.agency_id}",
                    first_name=person.first_name,
                    last_name=person.last_name,
                    password=hashed,
                    is_active=True,
                    date_joined=self.at(s),
                )
                users.append(person.user)
            people.append(person)
        self.insert(User, users)
        for person in people:
            if person.user is not None:
                person.user_id = person.user.pk
        self.insert(Person, people)
        holdings = [
            PositionHolding(
                position=position,
                person=person,
                start_date=s,
                end_date=e,
                appointment_letter_number=f"{self.rng.randint(1000, 99999)}/{to_jalali(s).year}",
                appointment_letter_date=s,
                **_stamp(self.at(s)),
            )
            for (position, s, e), person in zip(plans, people, strict=True)
        ]
        self.insert(PositionHolding, holdings)
        self.insert(
            AgencyUserObjectPermission,
            [
                AgencyUserObjectPermission(
                    permission=permission, user=person.user, content_object_id=position.agency_id
                )
                for (position, _s, _e), person in zip(plans, people, strict=True)
                if person.user is not None
            ],
        )
        # Who answers for each agency's directives (the IT manager with an account).
        self.managers: dict[int, int] = {}
        for agency_id, user_id in (
            AgencyUserObjectPermission.objects.filter(permission=permission)
            .order_by("pk")
            .values_list("content_object_id", "user_id")
        ):
            self.managers.setdefault(agency_id, user_id)

    # --- bodies: seats filled, who is invited ------------------------------------------------

    def bodies(self) -> None:
        self.body_list = list(Body.objects.exclude(kind=BodyKind.NATIONAL).order_by("order", "pk"))
        seats = list(
            Seat.objects.filter(body__in=self.body_list).order_by("body_id", "order", "pk")
        )
        open_members = defaultdict(list)
        for seat_id, person_id in (
            Membership.objects.filter(seat__in=seats, end_date__isnull=True)
            .order_by("pk")
            .values_list("seat_id", "person_id")
        ):
            open_members[seat_id].append(person_id)
        start = self.plan.start - datetime.timedelta(days=30)
        new_people, new_members = [], []
        for seat in seats:
            if seat.kind == SeatKind.BY_POST:
                continue
            missing = seat.persons_count - len(open_members[seat.pk])
            agency = seat.agency or self.rng.choice(self.all_agencies)
            for _ in range(max(0, missing)):
                person = self.person(agency, self.at(start))
                new_people.append(person)
                new_members.append((seat, person))
        self.insert(Person, new_people)
        self.insert(
            Membership,
            [
                Membership(
                    seat=seat,
                    person=person,
                    start_date=start,
                    proposal_letter_number=f"{seat.order}/{to_jalali(start).year}",
                    proposal_letter_date=start,
                    **_stamp(self.at(start)),
                )
                for seat, person in new_members
            ],
        )
        for seat, person in new_members:
            open_members[seat.pk].append(person.pk)
        holdings = defaultdict(list)
        for position_id, person_id, s, e in (
            PositionHolding.objects.filter(position__seats__in=seats)
            .distinct()
            .order_by("start_date", "pk")
            .values_list("position_id", "person_id", "start_date", "end_date")
        ):
            holdings[position_id].append(
                (s.togregorian(), e.togregorian() if e is not None else None, person_id)
            )
        self.seats = defaultdict(list)  # body id -> [(seat, [person ids] or holdings)]
        for seat in seats:
            self.seats[seat.body_id].append(
                (seat, holdings[seat.position_id] if seat.kind == SeatKind.BY_POST else None,
                 open_members[seat.pk])
            )  # fmt: skip
        # The users who act for each body: its secretariat and its chair.
        self.secretaries: dict[int, int] = {}
        for body_id, user_id in (
            BodyUserObjectPermission.objects.filter(
                permission__codename="manage_body", content_object__in=self.body_list
            )
            .order_by("pk")
            .values_list("content_object_id", "user_id")
        ):
            self.secretaries.setdefault(body_id, user_id)
        self.person_users = dict(
            Person.objects.filter(user__isnull=False).values_list("pk", "user_id")
        )

    def attendees(self, body: Body, day: datetime.date) -> list[tuple[Seat, int]]:
        result, seen = [], set()
        for seat, tenures, members in self.seats[body.pk]:
            if tenures is not None:
                people = [p for s, e, p in tenures if s <= day and (e is None or day < e)][:1]
            else:
                people = members
            for person_id in people:
                if person_id not in seen:
                    seen.add(person_id)
                    result.append((seat, person_id))
        return result

    def chair_user(self, body: Body, day: datetime.date) -> int | None:
        for seat, person_id in self.attendees(body, day):
            if seat.role == SeatRole.CHAIR:
                return self.person_users.get(person_id)
        return None

    # --- one year of meetings -----------------------------------------------------------

    def year(self, index: int) -> None:
        first = self.plan.start + datetime.timedelta(days=365 * index)
        is_last_year = index == self.plan.years - 1
        meetings: list[Meeting] = []
        for body in self.body_list:
            per_year = self.plan.scaled(MEETINGS_PER_YEAR.get(body.kind, 6))
            days = sorted(
                first + datetime.timedelta(days=self.rng.randint(0, 364)) for _ in range(per_year)
            )
            if is_last_year:  # one upcoming meeting per body, invitations sent
                days.append(self.plan.until + datetime.timedelta(days=self.rng.randint(3, 20)))
            for day in days:
                self.next_number[body.pk] += 1
                upcoming = day > self.plan.until
                recent = (self.plan.until - day).days < 21
                roll = self.rng.random()
                if upcoming:
                    state = MeetingState.SCHEDULED
                elif roll < 0.03:
                    state = MeetingState.CANCELLED
                elif roll < 0.06:
                    state = MeetingState.POSTPONED
                elif recent:
                    state = self.rng.choice((MeetingState.HELD, MeetingState.IN_REVIEW))
                else:
                    state = MeetingState.IN_REVIEW  # approved below, once its rows are in
                starts = datetime.datetime.combine(
                    day, datetime.time(self.rng.choice((8, 9, 10, 14))), tzinfo=self.tz
                )
                meeting = Meeting(
                    body=body,
                    number=self.next_number[body.pk],
                    starts_at=starts,
                    ends_at=starts + datetime.timedelta(hours=2),
                    place="تالار شهید رجایی استانداری",
                    state=state,
                    state_reason="" if state not in {"cancelled", "postponed"} else "تداخل برنامه",
                    quorum_met=None if state in {"scheduled", "cancelled", "postponed"} else True,
                    is_public=self.rng.random() < 0.5,
                    created_by_id=self.secretaries.get(body.pk),
                    **_stamp(self.at(day - datetime.timedelta(days=14))),
                )
                meeting.to_approve = not upcoming and not recent and state == "in_review"
                meetings.append(meeting)
        meetings.sort(key=lambda m: (m.starts_at, m.body_id))
        self.insert(Meeting, meetings)

        items, invitations, guests, minutes = [], [], [], []
        items_of: dict[int, list[AgendaItem]] = {}
        for meeting in meetings:
            day = meeting.starts_at.date()
            created = self.at(day - datetime.timedelta(days=10))
            own = [
                AgendaItem(
                    meeting=meeting,
                    order=order,
                    title=f"{self.rng.choice(TOPICS)}: گزارش و تصمیم",
                    presenter=self.rng.choice(("", "دبیر کارگروه", "نماینده دستگاه")),
                    discussion=(
                        f"گزارش پیشرفت {self.rng.choice(TOPICS)} ارائه و بررسی شد."
                        if meeting.state in {"held", "in_review"}
                        else ""
                    ),
                    **_stamp(created),
                )
                for order in range(1, self.rng.randint(4, 8) + 1)
            ]
            items_of[meeting.pk] = own
            items += own
            if meeting.state in {"cancelled", "postponed"}:
                continue
            held = meeting.state in {"held", "in_review"}
            for seat, person_id in self.attendees(meeting.body, day):
                roll = self.rng.random()
                attendance = ""
                if held:
                    attendance = (
                        AttendanceStatus.PRESENT
                        if roll < 0.82
                        else AttendanceStatus.EXCUSED
                        if roll < 0.92
                        else AttendanceStatus.ABSENT
                    )
                invitations.append(
                    Invitation(
                        meeting=meeting,
                        person_id=person_id,
                        seat=seat,
                        sent_at=created,
                        rsvp="attending" if roll < 0.82 else "not_attending",
                        responded_at=created + datetime.timedelta(days=1),
                        attendance=attendance,
                        **_stamp(created),
                    )
                )
            if not held:
                continue
            if self.rng.random() < 0.4:
                guests.append(
                    Guest(
                        meeting=meeting,
                        name=f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}",
                        agency=self.rng.choice(self.all_agencies).name,
                        **_stamp(created),
                    )
                )
            jyear = to_jalali(day).year
            approved = meeting.to_approve
            letter_day = day + datetime.timedelta(days=self.rng.randint(3, 10))
            meeting.minutes_letter_day = letter_day
            minutes.append(
                Minutes(
                    meeting=meeting,
                    preamble="جلسه با حضور اکثریت اعضا برگزار شد.",
                    sent_for_review_at=self.at(day + datetime.timedelta(days=1)),
                    review_deadline=self.at(day + datetime.timedelta(days=3)),
                    approved_at=self.at(letter_day) if approved else None,
                    approved_by_id=self.chair_user(meeting.body, day) if approved else None,
                    letter_number=(
                        f"{meeting.number}/{meeting.body.letter_prefix or 'ص'}/{jyear}"
                        if approved
                        else ""
                    ),
                    letter_date=letter_day if approved else None,
                    **_stamp(self.at(day)),
                )
            )
        self.insert(AgendaItem, items)
        self.insert(Invitation, invitations)
        self.insert(Guest, guests)
        self.insert(Minutes, minutes)

        resolutions = self.resolutions(meetings, items_of)
        self.approve(meetings)
        self.directives([m for m in meetings if m.to_approve], resolutions)

    def resolutions(self, meetings, items_of) -> list[Resolution]:
        approved = [m for m in meetings if m.to_approve]
        if not approved:
            return []
        total = self.plan.scaled(RESOLUTIONS_PER_YEAR)
        share = Counter(self.rng.choice(approved).pk for _ in range(total))
        lower = {
            BodyKind.WORKING_GROUP: [b for b in self.body_list if b.kind != BodyKind.WORKING_GROUP],
            BodyKind.STEERING_COMMITTEE: [
                b for b in self.body_list if b.kind == BodyKind.SUBCOMMITTEE
            ],
        }
        rows, addressees = [], []
        for meeting in approved:
            day = meeting.starts_at.date()
            for order in range(1, share[meeting.pk] + 1):
                roll = self.rng.random()
                kind = ResolutionKind.ASSIGNMENT
                refer_to = None
                if roll < 0.05 and lower.get(meeting.body.kind):
                    kind, refer_to = (
                        ResolutionKind.REFERRAL,
                        self.rng.choice(lower[meeting.body.kind]),
                    )
                elif roll < 0.15:
                    kind = ResolutionKind.DECISION
                amends = None
                if 0.15 <= roll < 0.17 and self.previous.get(meeting.body_id):
                    kind, amends = (
                        ResolutionKind.AMENDMENT,
                        self.rng.choice(self.previous[meeting.body_id]),
                    )
                deadline, working_days = None, None
                deadline_roll = self.rng.random()
                if deadline_roll < 0.6:
                    deadline = jdatetime.date.fromgregorian(
                        date=day + datetime.timedelta(days=self.rng.randint(30, 180))
                    )
                elif deadline_roll < 0.8:
                    working_days = self.rng.choice((10, 20, 30, 45))
                resolution = Resolution(
                    meeting=meeting,
                    agenda_item=self.rng.choice(items_of[meeting.pk]),
                    order=order,
                    text=f"{self.rng.choice(TOPICS)} در دستگاه‌های مخاطب {self.rng.choice(VERBS)}.",
                    kind=kind,
                    all_agencies=kind == ResolutionKind.ASSIGNMENT and self.rng.random() < 0.02,
                    deadline=deadline,
                    deadline_working_days=working_days,
                    priority=self.rng.choice(("normal",) * 8 + ("urgent", "immediate")),
                    classification=self.rng.choice(("normal",) * 18 + ("confidential",)),
                    refer_to=refer_to,
                    is_public=self.rng.random() < 0.3,
                    amends=amends,
                    **_stamp(self.at(day)),
                )
                rows.append(resolution)
                if kind in {ResolutionKind.ASSIGNMENT, ResolutionKind.AMENDMENT} and not (
                    resolution.all_agencies
                ):
                    chosen = self.rng.sample(self.all_agencies, self.rng.randint(1, 6))
                    for position, agency in enumerate(chosen):
                        role = AgencyRole.RESPONSIBLE if position == 0 else AgencyRole.COLLABORATING
                        addressees.append(
                            ResolutionAgency(resolution=resolution, agency=agency, role=role)
                        )
        self.insert(Resolution, rows)
        for row in addressees:
            row.resolution_id = row.resolution.pk
        self.insert(ResolutionAgency, addressees)
        for row in rows:
            self.previous[row.meeting.body_id].append(row)
            del self.previous[row.meeting.body_id][:-200]
        return rows

    def approve(self, meetings) -> None:
        """Freeze each meeting's minutes as the approval does (the snapshot of what they
        print and its fingerprint, by the real ``minutes_snapshot``), then approve it."""
        ids = [m.pk for m in meetings if m.to_approve]
        updated = []
        for meeting in Meeting.objects.filter(pk__in=ids).select_related(
            "body", "minutes__approved_by__person"
        ):
            minutes = meeting.minutes
            minutes.snapshot = minutes_snapshot(meeting, minutes=minutes)
            minutes.fingerprint = fingerprint_of(minutes.snapshot)
            updated.append(minutes)
        Minutes.objects.bulk_update(updated, ["snapshot", "fingerprint"], batch_size=500)
        for start in range(0, len(ids), 500):
            Meeting.objects.filter(pk__in=ids[start : start + 500]).update(
                state=MeetingState.APPROVED
            )

    # --- directives and what followed them ------------------------------------------------

    def directives(self, approved: list[Meeting], resolutions: list[Resolution]) -> None:
        addressed = defaultdict(list)
        for row in (
            ResolutionAgency.objects.filter(resolution__in=[r.pk for r in resolutions])
            .order_by("resolution_id", "role", "agency__name", "pk")
            .values_list("resolution_id", "agency_id", "role")
        ):
            addressed[row[0]].append((row[1], row[2]))
        letter_day = {m.pk: m.minutes_letter_day for m in approved}
        by_meeting = defaultdict(list)
        for resolution in resolutions:
            by_meeting[resolution.meeting_id].append(resolution)
        rows: list[Directive] = []
        open_of: dict[int, list[Directive]] = defaultdict(list)
        for meeting in approved:
            issued = letter_day[meeting.pk]
            year = to_jalali(issued).year
            body = meeting.body
            for resolution in by_meeting[meeting.pk]:
                if resolution.kind == ResolutionKind.REFERRAL:
                    continue
                if resolution.amends_id:
                    for old in open_of.pop(resolution.amends_id, []):
                        old.state = DirectiveState.SUPERSEDED
                        old.superseded_by = resolution
                        old.superseded_at = max(self.at(issued), old.issued_at)
                key = (resolution.deadline, resolution.deadline_working_days, issued)
                if key not in self.due_cache:
                    self.due_cache[key] = due_date_for(resolution, issued)
                due, rule = self.due_cache[key]
                targets = (
                    [(a.pk, AgencyRole.RESPONSIBLE) for a in self.all_agencies]
                    if resolution.all_agencies
                    else addressed[resolution.pk]
                )
                for agency_id, role in targets:
                    self.sequence[(body.pk, year)] += 1
                    seq = self.sequence[(body.pk, year)]
                    directive = Directive(
                        resolution=resolution,
                        agency_id=agency_id,
                        role=role,
                        body=body,
                        year=year,
                        sequence=seq,
                        letter_number=letter_number_for(body, seq=seq, year=year),
                        issued_on=issued,
                        classification=resolution.classification,
                        priority=resolution.priority,
                        due_date=due,
                        deadline_rule=rule,
                        state=DirectiveState.ISSUED,
                    )
                    directive.issued_at = self.at(issued, 11)
                    self.follow(directive)
                    rows.append(directive)
                    if directive.state in {"issued", "acknowledged", "in_progress", "returned"}:
                        open_of[resolution.pk].append(directive)
        for directive in rows:
            if directive.state == DirectiveState.SUPERSEDED:
                directive.seed_story = [
                    step for step in directive.seed_story if step[1] <= directive.superseded_at
                ] + [(DirectiveState.SUPERSEDED, directive.superseded_at, None, "")]
                directive.seed_reports = [
                    r for r in directive.seed_reports if r[0] <= directive.superseded_at
                ]
                directive.progress = directive.seed_reports[-1][1] if directive.seed_reports else 0
                if (
                    directive.acknowledged_at
                    and directive.acknowledged_at > directive.superseded_at
                ):
                    directive.acknowledged_at = directive.acknowledged_by_id = None
            last = directive.seed_story[-1][1]
            directive.created_at, directive.updated_at = directive.issued_at, last
        self.insert(Directive, rows)
        self.history(rows)
        self.referrals(resolutions)

    def follow(self, directive: Directive) -> None:
        """Decide where the directive got to by today, and the steps that took it there."""
        age = (self.plan.until - directive.issued_on).days
        weights = (
            # issued, acknowledged, in_progress, reported_done, returned, verified, cancelled
            (2, 2, 4, 2, 2, 85, 3)
            if age > 365
            else (8, 10, 15, 10, 5, 50, 2)
            if age > 90
            else (30, 25, 25, 10, 5, 5, 0)
        )
        target = self.rng.choices(
            ("issued", "acknowledged", "in_progress", "reported_done", "returned", "verified",
             "cancelled"),
            weights,
        )[0]  # fmt: skip
        manager = self.managers.get(directive.agency_id)
        secretary = self.secretaries.get(directive.body_id)
        moment = directive.issued_at
        story = [(DirectiveState.ISSUED, moment, None, "")]
        reports: list[tuple] = []
        if target == "cancelled":
            moment = self.later(moment, 5, 60)
            story.append((DirectiveState.CANCELLED, moment, secretary, "موضوع منتفی شد."))
        elif target != "issued":
            moment = self.later(moment, 1, 10)
            directive.acknowledged_at, directive.acknowledged_by_id = moment, manager
            story.append((DirectiveState.ACKNOWLEDGED, moment, manager, ""))
            if target != "acknowledged" and manager is not None:
                for _ in range(self.rng.randint(1, 2)):
                    moment = self.later(moment, 5, 40)
                    percent = self.rng.choice((20, 30, 50, 60, 80))
                    reports.append((moment, percent, False))
                    story.append((DirectiveState.IN_PROGRESS, moment, manager, "گزارش پیشرفت."))
                directive.progress = percent
                if target in {"reported_done", "returned", "verified"}:
                    moment = self.later(moment, 5, 40)
                    reports.append((moment, 100, True))
                    directive.progress, directive.reported_done_at = 100, moment
                    story.append((DirectiveState.REPORTED_DONE, moment, manager, "کار انجام شد."))
                    if target == "returned":
                        moment = self.later(moment, 2, 15)
                        directive.return_comment = "مستندات اجرا کامل نیست."
                        story.append(
                            (DirectiveState.RETURNED, moment, secretary, directive.return_comment)
                        )
                    elif target == "verified":
                        moment = self.later(moment, 2, 15)
                        directive.verified_at, directive.verified_by_id = moment, secretary
                        story.append((DirectiveState.VERIFIED, moment, secretary, ""))
        directive.state = story[-1][0]
        directive.seed_story, directive.seed_reports = story, reports

    def history(self, rows: list[Directive]) -> None:
        events, reports, audit, notices = [], [], [], []
        path = reverse("resolutions:directive_detail", args=[999999999])
        for directive in rows:
            for state, at, actor, note in directive.seed_story:
                events.append((directive.pk, state, actor, note, at))
                if state != DirectiveState.ISSUED:
                    audit.append(
                        (at, actor, AuditSource.WEB, AuditAction.TRANSITION,
                         "resolutions.Directive", str(directive.pk), directive.letter_number,
                         directive.body_id, {}, {"state": state})
                    )  # fmt: skip
            for at, percent, final in directive.seed_reports:
                reports.append(
                    ProgressReport(
                        directive=directive,
                        percent=percent,
                        narrative="کار انجام شد." if final else "بخشی از کار انجام شد.",
                        is_final=final,
                        created_by_id=self.managers[directive.agency_id],
                        created_at=at,
                    )
                )
            manager = self.managers.get(directive.agency_id)
            if manager is not None:
                letter = to_persian_digits(directive.letter_number)
                notices.append(
                    (manager, f"ابلاغ تازه {letter}"[:200], directive.deadline_rule,
                     path.replace("999999999", str(directive.pk)), directive.issued_at,
                     directive.acknowledged_at, "directive")
                )  # fmt: skip
        self.insert_plain(
            DirectiveEvent, ("directive_id", "state", "actor_id", "note", "at"), events
        )
        self.insert(ProgressReport, reports)
        digest = hashlib.sha256(EVIDENCE_BYTES).hexdigest()
        self.insert_plain(
            Evidence,
            ("report_id", "file", "original_name", "content_type", "size", "sha256", "created_at"),
            [
                (report.pk, EVIDENCE_NAME, "گزارش.pdf", "application/pdf", len(EVIDENCE_BYTES),
                 digest, report.created_at)
                for report in reports
                if self.rng.random() < 0.3
            ],
        )  # fmt: skip
        self.insert_plain(
            AuditEvent,
            ("at", "actor_id", "source", "action", "model", "object_id", "object_repr",
             "body_id", "before", "after"),
            audit,
        )  # fmt: skip
        self.insert_plain(
            Notification,
            ("user_id", "title", "body", "url", "created_at", "read_at", "kind"),
            notices,
        )

    def referrals(self, resolutions: list[Resolution]) -> None:
        rows = []
        for resolution in resolutions:
            if resolution.kind != ResolutionKind.REFERRAL or resolution.refer_to is None:
                continue
            age = (self.plan.until - resolution.meeting.starts_at.date()).days
            state = (
                ReferralState.ANSWERED
                if age > 180
                else self.rng.choice((ReferralState.WAITING, ReferralState.ON_AGENDA))
            )
            rows.append(
                Referral(
                    resolution=resolution,
                    to_body=resolution.refer_to,
                    state=state,
                    **_stamp(self.at(resolution.meeting.starts_at.date())),
                )
            )
        self.insert(Referral, rows)

    # --- the whole run ---------------------------------------------------------------------

    def run(self, password: str) -> Counter[str]:
        self.password = password
        if not default_storage.exists(EVIDENCE_NAME):
            default_storage.save(EVIDENCE_NAME, ContentFile(EVIDENCE_BYTES))
        with explicit_timestamps(*STAMPED):
            self.agencies()
            self.posts()
            self.bodies()
            self.next_number = Counter(
                dict(
                    Meeting.objects.values("body_id")
                    .annotate(top=models.Max("number"))
                    .values_list("body_id", "top")
                )
            )
            self.sequence = Counter(
                {(s.body_id, s.year): s.last for s in LetterSequence.objects.all()}
            )
            self.previous: dict[int, list[Resolution]] = defaultdict(list)
            self.due_cache: dict = {}
            with portal_language():
                for index in range(self.plan.years):
                    self.year(index)
                    self.log(f"year {index + 1}/{self.plan.years}: {self.summary()}")
            self.sequences()
        return self.counts

    def sequences(self) -> None:
        existing = {(s.body_id, s.year): s for s in LetterSequence.objects.all()}
        new, changed = [], []
        for (body_id, year), last in sorted(self.sequence.items()):
            row = existing.get((body_id, year))
            if row is None:
                new.append(LetterSequence(body_id=body_id, year=year, last=last))
            elif row.last != last:
                row.last = last
                changed.append(row)
        LetterSequence.objects.bulk_create(new)
        LetterSequence.objects.bulk_update(changed, ["last"])

    def summary(self) -> str:
        keys = ("committees.Meeting", "resolutions.Resolution", "resolutions.Directive")
        return ", ".join(f"{key.split('.')[1]} {self.counts[key]}" for key in keys)


def scale_seed(
    *,
    years: int,
    password: str,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    until: datetime.date | None = None,
    log: Callable[[str], None] = lambda line: None,
) -> Counter[str]:
    """Build ``years`` of a busy province on top of the loaded structure (see the module)."""
    plan = ScalePlan(years=years, until=until or timezone.localdate(), seed=seed, scale=scale)
    with transaction.atomic():
        return Seeder(plan, log).run(password)


def letter_numbers(bodies: Iterable[Body] | None = None) -> list[str]:
    """Every directive's letter number, in order (what the determinism test compares)."""
    rows = Directive.objects.order_by("body_id", "year", "sequence")
    if bodies is not None:
        rows = rows.filter(body__in=bodies)
    return list(rows.values_list("letter_number", flat=True))
