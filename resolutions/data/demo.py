"""Demo data for a fresh installation: plausible people in the posts and one account per role.

Every person here is fictional. Run after ``load_structure``; running it again changes
nothing but the demo passwords.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import jdatetime
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from committees import workdays
from committees.data import article6 as S
from committees.models import AttendanceStatus, Body, BodyKind, Meeting, Membership, Seat
from committees.services import meetings as meeting_services
from committees.services.structure import (
    body_secretariat_grant,
    governor_office_grant,
    membership_create,
)
from egov_portal.upsert import upsert
from egov_portal.validators import national_code_check_digit
from members.models import Agency, Person, Position, PositionHolding
from members.services import (
    agency_it_manager_grant,
    position_holding_create,
    user_account_for_person,
)
from resolutions.models import Directive
from resolutions.services import directives as follow
from resolutions.services.minutes import minutes_approve
from resolutions.services.resolutions import resolution_create

DEMO_AGENCIES_FILE = Path(__file__).resolve().parents[2] / "members" / "data" / "demo_agencies.tsv"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    person: str


def national_code(stem: str) -> str:
    """A valid national code made from a nine-digit stem (its check digit appended)."""
    return stem + str(national_code_check_digit(stem))


def _j(y: int, m: int, d: int) -> jdatetime.date:
    return jdatetime.date(y, m, d)


# (key, first name, last name, title, agency name or key, stem for the national code, mobile)
PEOPLE = [
    ("governor_old", "علی", "رضایی", "دکتر", "governorate", "012345678", "09111000001"),
    ("governor", "محمدرضا", "کریمی", "دکتر", "governorate", "012345679", "09111000002"),
    ("deputy", "حسین", "نوروزی", "مهندس", "governorate", "012345680", "09111000003"),
    ("dg_ict", "مهدی", "صالحی", "مهندس", "ict", "012345681", "09111000004"),
    ("dg_finance", "فاطمه", "احمدی", "", "finance", "012345682", "09111000005"),
    ("mayor", "رضا", "موسوی", "", "municipality", "012345683", "09111000006"),
    ("dg_gov_it", "جواد", "هاشمی", "سید", "governorate_it", "012345684", "09111000007"),
    ("telecom_ceo", "مریم", "قاسمی", "مهندس", "telecom", "012345685", "09111000008"),
    (
        "it_education",
        "زهرا",
        "کاظمی",
        "مهندس",
        "اداره کل آموزش و پرورش",
        "012345686",
        "09111000009",
    ),
    ("it_water", "امیر", "جعفری", "مهندس", "شرکت آب و فاضلاب", "012345687", "09111000010"),
    ("expert", "نرگس", "یوسفی", "دکتر", "دانشگاه گیلان", "012345688", "09111000011"),
    ("guild_rep", "بهروز", "ملکی", "", "computer_guild", "012345689", "09111000012"),
    ("secretary", "سمیه", "رحیمی", "", "ict", "012345690", "09111000013"),
    ("office", "علیرضا", "صادقی", "", "governorate", "012345691", "09111000014"),
    ("sec_expert1", "کاوه", "اکبری", "مهندس", "افتا", "012345692", "09111000015"),
    ("sec_expert2", "لیلا", "مرادی", "مهندس", "ict", "012345693", "09111000016"),
    (
        "sec_expert3",
        "پویا",
        "نیک‌نام",
        "مهندس",
        "شرکت خدمات انفورماتیک نمونه",
        "012345694",
        "09111000017",
    ),
]

# Who holds which post, from when (post key, person key, start, end, letter number).
HOLDINGS = [
    ("governor", "governor_old", _j(1400, 7, 1), _j(1403, 6, 20), "12345/1400"),
    ("governor", "governor", _j(1403, 6, 20), None, "45678/1403"),
    ("deputy_economic", "deputy", _j(1402, 3, 1), None, "3310/1402"),
    ("dg_ict", "dg_ict", _j(1401, 11, 15), None, "9021/1401"),
    ("dg_finance", "dg_finance", _j(1402, 8, 1), None, "7712/1402"),
    ("mayor", "mayor", _j(1400, 9, 10), None, "1188/1400"),
    ("dg_governorate_it", "dg_gov_it", _j(1401, 2, 1), None, "2045/1401"),
    ("telecom_ceo", "telecom_ceo", _j(1403, 1, 25), None, "603/1403"),
    # The head of the banks' coordination council is left vacant, to show a vacant seat.
]

# Named members of nominated and agency seats: (body key, seat order, person key, start).
MEMBERSHIPS = [
    ("working_group", 7, "it_education", _j(1403, 8, 1)),
    ("working_group", 7, "it_water", _j(1403, 8, 1)),
    ("working_group", 10, "expert", _j(1403, 9, 1)),
    ("working_group", 11, "guild_rep", _j(1403, 9, 1)),
    ("steering", 2, "dg_gov_it", _j(1401, 3, 1)),
    ("steering", 3, "dg_ict", _j(1401, 12, 1)),
    ("sub_security", 1, "sec_expert1", _j(1403, 10, 1)),
    ("sub_security", 1, "sec_expert2", _j(1403, 10, 1)),
    ("sub_security", 1, "sec_expert3", _j(1403, 10, 1)),
]

ACCOUNTS = [
    DemoAccount("admin", "مدیر سامانه (همه امور در پنل مدیریت)", ""),
    DemoAccount("secretary", "دبیرخانه کارگروه و کمیته راهبری", "secretary"),
    DemoAccount("chair", "رئیس کارگروه (استاندار)", "governor"),
    DemoAccount("member", "عضو کارگروه", "dg_finance"),
    DemoAccount("itmanager", "مدیر فناوری اطلاعات آموزش و پرورش", "it_education"),
    DemoAccount("itmanager2", "مدیر فناوری اطلاعات آب و فاضلاب", "it_water"),
    DemoAccount("governor_office", "دفتر استاندار", "office"),
]


def _bodies_by_key() -> dict[str, Body]:
    bodies = {b.name: b for b in Body.objects.exclude(kind=BodyKind.NATIONAL)}
    keys = {
        "working_group": S.WORKING_GROUP["name"],
        "steering": S.STEERING_COMMITTEE["name"],
        **{key: name for key, name, _prefix in S.SUBCOMMITTEES},
    }
    return {key: bodies[name] for key, name in keys.items() if name in bodies}


@transaction.atomic
def demo_seed(*, password: str, province: str = "گیلان", capital: str = "رشت") -> list[DemoAccount]:
    """Fill the loaded structure with fictional people and create the demo accounts."""
    fill = {"province": province, "capital": capital}
    agencies = {a.name: a for a in Agency.objects.all()}
    for line in DEMO_AGENCIES_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip():
            # name, sector, how letters address its head (kept once an administrator edits it)
            name, sector, salutation = line.split("\t")
            agencies[name], _state = upsert(
                Agency,
                {"name": name},
                {"sector": sector.strip()},
                fill={"salutation": salutation.strip().format(**fill)},
            )
    agency_keys = {key: agencies[name.format(**fill)] for key, name, *_rest in S.AGENCIES}
    people: dict[str, Person] = {}
    for key, first, last, title, agency, stem, mobile in PEOPLE:
        people[key], _state = upsert(
            Person,
            {"national_code": national_code(stem)},
            {
                "first_name": first,
                "last_name": last,
                "title": title,
                "mobile": mobile,
                "email": f"{key.replace('_', '.')}@example.ir",
                "agency": agency_keys.get(agency) or agencies[agency],
            },
        )
    positions = {
        key: Position.objects.get(agency=agency_keys[agency_key], title=title)
        for key, agency_key, title in S.POSITIONS
    }
    for post, person, start, end, letter in HOLDINGS:
        if not PositionHolding.objects.filter(position=positions[post], start_date=start).exists():
            position_holding_create(
                position=positions[post],
                person=people[person],
                start_date=start,
                end_date=end,
                letter_number=letter,
                letter_date=start,
                end_current=True,
            )
    bodies = _bodies_by_key()
    for body_key, order, person, start in MEMBERSHIPS:
        seat = Seat.objects.get(body=bodies[body_key], order=order)
        if not Membership.objects.filter(seat=seat, person=people[person]).exists():
            membership_create(
                seat=seat,
                person=people[person],
                start_date=start,
                proposal_letter_number=f"{order}{start.month:02d}/{start.year}",
                proposal_letter_date=start,
                approval_letter_number=f"{order}{start.month:02d}/{start.year}/ت",
                approval_letter_date=start,
            )

    users = {"admin": _admin_account(password)}
    for account in ACCOUNTS[1:]:
        users[account.username] = user_account_for_person(
            person=people[account.person], username=account.username, password=password
        )
    for key in ("working_group", "steering"):
        body_secretariat_grant(body=bodies[key], user=users["secretary"])
    governor_office_grant(user=users["governor_office"])
    agency_it_manager_grant(agency=agencies["اداره کل آموزش و پرورش"], user=users["itmanager"])
    agency_it_manager_grant(agency=agencies["شرکت آب و فاضلاب"], user=users["itmanager2"])
    demo_meetings(agencies=agencies)
    return ACCOUNTS


def _admin_account(password: str):
    user, _created = get_user_model().objects.get_or_create(username="admin")
    user.is_staff = user.is_superuser = user.is_active = True
    user.first_name, user.last_name = "مدیر", "سامانه"
    user.set_password(password)
    user.save()
    return user


def _working_day_at(*, days: int, hour: int) -> datetime.datetime:
    """``hour`` o'clock on the first working day ``days`` days from today (or later): the
    demo meetings sit at whole hours, 10:00 to 12:00, on days the offices are open (never
    «۱۴:۴۶ تا ۱۲:۰۰»)."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    for _step in range(15):
        if workdays.is_working_day(day) and workdays.closure_on(day) is None:
            break
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def demo_meetings(*, agencies: dict[str, Agency]) -> None:
    """One approved meeting of the working group (with resolutions addressed to the two
    demo agencies and to all agencies) and one upcoming meeting with its invitations.
    Nothing is added when the working group already has numbered meetings."""
    bodies = _bodies_by_key()
    group = bodies["working_group"]
    if Meeting.objects.filter(body=group, number__gte=1).exists():
        return
    chair = get_user_model().objects.get(username="chair")
    education = agencies["اداره کل آموزش و پرورش"]
    water = agencies["شرکت آب و فاضلاب"]

    # The past meeting: scheduled, held, minutes reviewed and approved.
    past = meeting_services.meeting_create(
        body=group,
        starts_at=_working_day_at(days=1, hour=10),
        ends_at=_working_day_at(days=1, hour=12),
        place="تالار شهید رجایی استانداری",
    )
    for title, presenter in (
        ("گزارش پیشرفت پنجره واحد خدمات الکترونیک استان", "مدیرکل ارتباطات و فناوری اطلاعات"),
        ("وضعیت امنیت شبکه دستگاه‌های اجرایی", "نماینده افتا"),
        ("برنامه آموزش کارکنان در حوزه دولت الکترونیک", ""),
    ):
        meeting_services.agenda_item_add(meeting=past, title=title, presenter=presenter)
    meeting_services.meeting_schedule(meeting=past)
    held_at = _working_day_at(days=-20, hour=10)
    Meeting.objects.filter(pk=past.pk).update(
        starts_at=held_at, ends_at=held_at + datetime.timedelta(hours=2)
    )
    past.refresh_from_db()
    invitations = list(past.invitations.order_by("pk"))
    statuses = {i.pk: {"attendance": AttendanceStatus.PRESENT} for i in invitations}
    statuses[invitations[-1].pk] = {"attendance": AttendanceStatus.EXCUSED}
    meeting_services.attendance_record(
        meeting=past,
        statuses=statuses,
        guests=[{"name": "مهندس کامران فرهادی", "agency": "دانشگاه گیلان"}],
    )
    items = list(past.agenda_items.order_by("order"))
    meeting_services.minutes_update(
        meeting=past,
        preamble="جلسه با حضور اکثریت اعضا و به ریاست استاندار برگزار شد.",
        discussions={
            items[
                0
            ].pk: "گزارش پیشرفت ۶۰ درصدی پنجره واحد ارائه و کمبود اتصال برخی دستگاه‌ها بررسی شد.",
            items[1].pk: "نماینده افتا از ارزیابی امنیتی سامانه‌های دستگاه‌ها گزارش داد.",
            items[2].pk: "برنامه آموزشی سال آینده به کمیته آموزش سپرده شد.",
        },
    )
    deadline = jdatetime.date.fromgregorian(date=timezone.localdate()) + datetime.timedelta(days=90)
    resolution_create(
        meeting=past,
        agenda_item=items[0],
        text="خدمات پرمراجعه هر دستگاه تا پایان مهلت در پنجره واحد خدمات الکترونیک استان ارائه شود.",
        kind="assignment",
        responsible=[education],
        collaborating=[water],
        deadline=deadline,
        is_public=True,
    )
    resolution_create(
        meeting=past,
        agenda_item=items[1],
        text="دستگاه‌ها گزارش ارزیابی امنیتی سامانه‌های خود را به دبیرخانه کارگروه بفرستند.",
        kind="assignment",
        all_agencies=True,
        deadline=deadline,
    )
    resolution_create(
        meeting=past,
        agenda_item=items[0],
        text="شرکت آب و فاضلاب پرداخت الکترونیک قبوض را با درگاه یکپارچه استان پیوند دهد.",
        kind="assignment",
        responsible=[water],
        deadline=deadline,
    )
    for text, days in (
        ("درگاه پرداخت الکترونیک یکپارچه در خدمات دستگاه راه‌اندازی شود.", None),
        ("فهرست خدمات قابل ارائه به صورت الکترونیک به‌روز و به دبیرخانه ارسال شود.", 20),
        ("نسخه پشتیبان سامانه‌های اصلی دستگاه در مرکز داده استان نگهداری شود.", None),
        ("دوره آموزشی امنیت اطلاعات برای کارکنان دستگاه برگزار شود.", 30),
    ):
        resolution_create(
            meeting=past,
            agenda_item=items[2],
            text=text,
            kind="assignment",
            responsible=[education, water],
            deadline=None if days else deadline,
            deadline_working_days=days,
            priority="urgent" if days == 20 else "normal",
        )
    meeting_services.minutes_send_for_review(
        meeting=past, deadline=timezone.now() + datetime.timedelta(days=3)
    )
    for person in Person.objects.filter(user__username__in=["member", "itmanager"]):
        meeting_services.minutes_review_submit(meeting=past, person=person, decision="confirmed")
    minutes_approve(meeting=past, user=chair)
    demo_directive_states(meeting=past, agencies=[education, water])

    # The upcoming meeting: invitations sent, answers awaited.
    upcoming = meeting_services.meeting_create(
        body=group,
        starts_at=_working_day_at(days=7, hour=10),
        ends_at=_working_day_at(days=7, hour=12),
        place="تالار شهید رجایی استانداری",
    )
    for title in (
        "پیگیری مصوبات جلسه پیشین",
        "طرح هوشمندسازی خدمات شهری رشت",
    ):
        meeting_services.agenda_item_add(meeting=upcoming, title=title)
    meeting_services.meeting_schedule(meeting=upcoming)


DEMO_EVIDENCE = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def demo_directive_states(*, meeting, agencies: list[Agency]) -> None:
    """Move the demo agencies' directives through every state, one overdue."""
    secretary = get_user_model().objects.get(username="secretary")
    managers = {
        "اداره کل آموزش و پرورش": get_user_model().objects.get(username="itmanager"),
        "شرکت آب و فاضلاب": get_user_model().objects.get(username="itmanager2"),
    }
    for agency in agencies:
        manager = managers[agency.name]
        rows = list(
            Directive.objects.filter(resolution__meeting=meeting, agency=agency).order_by(
                "sequence"
            )
        )
        # Every state for each agency; the overdue one is in progress past its deadline.
        plan = [
            "issued",
            "acknowledged",
            "overdue",
            "reported_done",
            "verified",
            "returned",
            "in_progress",
        ]
        for directive, target in zip(rows, plan, strict=False):
            if target == "issued":
                continue
            follow.directive_acknowledge(directive=directive, user=manager)
            if target == "acknowledged":
                continue
            evidence = SimpleUploadedFile(
                "گزارش.pdf", DEMO_EVIDENCE, content_type="application/pdf"
            )
            follow.progress_report_add(
                directive=directive,
                user=manager,
                percent=50,
                narrative="نیمی از کار انجام شد؛ گزارش پیوست است.",
                files=[evidence],
            )
            if target in {"in_progress", "overdue"}:
                if target == "overdue":
                    Directive.objects.filter(pk=directive.pk).update(
                        due_date=timezone.localdate() - datetime.timedelta(days=12)
                    )
                continue
            follow.progress_report_add(
                directive=directive,
                user=manager,
                percent=100,
                narrative="کار انجام شد.",
                final=True,
            )
            if target == "verified":
                follow.directive_verify(directive=directive, user=secretary)
            elif target == "returned":
                follow.directive_return(
                    directive=directive, user=secretary, comment="مستندات اجرا کامل نیست."
                )
