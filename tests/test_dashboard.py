"""The directives dashboard: its figures against a fixture counted by hand, who sees which
rows, the red/amber/green rule, the Excel and PDF exports and the query budget."""

from __future__ import annotations

import datetime
import io
from urllib.parse import quote

import jdatetime
import pytest
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm
from openpyxl import load_workbook
from pypdf import PdfReader

from egov_portal.pdf import render_pdf
from egov_portal.text.jalali import format_jalali_short
from egov_portal.text.persian import normalize_for_search, to_persian_digits
from resolutions.documents.exports import safe_cell
from resolutions.models import OPEN_STATES, Directive, DirectiveState
from resolutions.selectors.dashboard import AMBER, GREEN, RED, Dashboard, Figures, rag_status
from resolutions.services.directives import (
    directive_acknowledge,
    directive_verify,
    progress_report_add,
)
from tests.directive_helpers import approved_with, education, water
from tests.meeting_helpers import user

pytestmark = pytest.mark.django_db

EDUCATION = "اداره کل آموزش و پرورش"
WATER = "شرکت آب و فاضلاب"


def _done(directive, *, verify: bool = True) -> None:
    manager = user("itmanager") if directive.agency.name == EDUCATION else user("itmanager2")
    directive_acknowledge(directive=directive, user=manager)
    progress_report_add(
        directive=directive, user=manager, percent=100, narrative="انجام شد", final=True
    )
    if verify:
        directive_verify(directive=directive, user=user("secretary"))


def _set_due(directive, days_from_today: int) -> None:
    due = timezone.localdate() + datetime.timedelta(days=days_from_today)
    Directive.objects.filter(pk=directive.pk).update(due_date=due)


@pytest.fixture
def figures_fixture(working_group, steering):
    """Five directives issued today, every older directive moved to 1394 (out of the period):

    working group → education: one verified on time, one overdue (never acknowledged), one
    acknowledged; steering committee → water: one verified on time, one verified late.
    """
    Directive.objects.update(issued_on=datetime.date(2015, 6, 1))
    assign_perm("committees.chair_body", user("chair"), steering)
    spec = {"responsible": [education()], "deadline_working_days": 10}
    wg = approved_with(working_group, spec, spec, spec)
    on_time, overdue, acknowledged = Directive.objects.filter(resolution__meeting=wg).order_by(
        "resolution__order"
    )
    _done(on_time)
    _set_due(overdue, -3)
    directive_acknowledge(directive=acknowledged, user=user("itmanager"))

    spec = {"responsible": [water()], "deadline_working_days": 10}
    sc = approved_with(steering, spec, spec)
    water_on_time, water_late = Directive.objects.filter(resolution__meeting=sc).order_by(
        "resolution__order"
    )
    _done(water_on_time)
    _set_due(water_late, -2)
    _done(water_late)
    return {"working_group": wg, "steering": sc}


def _period() -> dict:
    """Today's Jalali date typed in Persian digits: the fixture's period."""
    return {"date_from": format_jalali_short(timezone.localdate())}


def _dashboard(client, **params):
    response = client.get(reverse("resolutions:dashboard"), params)
    assert response.status_code == 200
    return response.context["dashboard"]


def _row(rows, name):
    (row,) = [r for r in rows if r.name == name]
    return row


def _counts(row: Figures) -> dict:
    return {
        "total": row.total,
        "waiting": row.waiting,
        "acknowledged": row.acknowledged,
        "in_progress": row.in_progress,
        "reported_done": row.reported_done,
        "verified": row.verified,
        "overdue": row.overdue,
        "on_time": row.on_time_percent,
        "rag": row.rag,
    }


EDUCATION_BY_HAND = {
    "total": 3,
    "waiting": 1,
    "acknowledged": 1,
    "in_progress": 0,
    "reported_done": 0,
    "verified": 1,
    "overdue": 1,
    "on_time": 100,
    "rag": RED,  # an overdue directive
}
WATER_BY_HAND = {
    "total": 2,
    "waiting": 0,
    "acknowledged": 0,
    "in_progress": 0,
    "reported_done": 0,
    "verified": 2,
    "overdue": 0,
    "on_time": 50,  # one of two verified on time
    "rag": AMBER,  # on time below 80 %, but not below 50 %
}


def test_figures_per_agency_equal_the_hand_count(figures_fixture, persona_client):
    board = _dashboard(persona_client("governor_office"), **_period())
    assert [r.name for r in board.agencies] == [EDUCATION, WATER]
    assert _counts(_row(board.agencies, EDUCATION)) == EDUCATION_BY_HAND
    assert _counts(_row(board.agencies, WATER)) == WATER_BY_HAND
    assert _counts(board.totals) == {
        "total": 5,
        "waiting": 1,
        "acknowledged": 1,
        "in_progress": 0,
        "reported_done": 0,
        "verified": 3,
        "overdue": 1,
        "on_time": 67,  # 2 of 3
        "rag": RED,
    }


def test_figures_per_body_equal_the_hand_count(
    figures_fixture, working_group, steering, persona_client
):
    board = _dashboard(persona_client("secretary"), **_period())
    assert [r.key for r in board.bodies] == [working_group.pk, steering.pk]
    assert _counts(_row(board.bodies, working_group.name)) == EDUCATION_BY_HAND
    assert _counts(_row(board.bodies, steering.name)) == WATER_BY_HAND


def test_filters_narrow_the_figures(figures_fixture, steering, persona_client):
    client = persona_client("admin")
    board = _dashboard(client, body=steering.pk, **_period())
    assert [r.name for r in board.agencies] == [WATER]
    board = _dashboard(client, status="overdue", **_period())
    assert (board.totals.total, board.totals.overdue) == (1, 1)
    board = _dashboard(client, status=DirectiveState.VERIFIED, agency=education().pk, **_period())
    assert board.totals.total == 1
    # A period typed in Latin digits, before the fixture: nothing but the moved directives.
    board = _dashboard(client, date_from="1394/01/01", date_to="1394/12/29")
    assert board.totals.total == Directive.objects.count() - 5


def test_an_invalid_filter_is_reported_and_ignored(figures_fixture, persona_client):
    response = persona_client("admin").get(
        reverse("resolutions:dashboard"), {"date_from": "۱۴۰۴/۱۳/۰۱", "status": "open"}
    )
    assert response.status_code == 200
    assert "ماه باید بین" in response.content.decode()
    open_count = Directive.objects.filter(state__in=OPEN_STATES).count()
    assert response.context["dashboard"].totals.total == open_count


def test_overdue_is_derived_from_today(figures_fixture, persona_client):
    """No stored flag: moving the deadline into the future clears it at once."""
    Directive.objects.filter(due_date__lt=timezone.localdate()).update(
        due_date=timezone.localdate() + datetime.timedelta(days=1)
    )
    board = _dashboard(persona_client("admin"), **_period())
    assert board.totals.overdue == 0


def test_itmanager2_sees_no_education_figures(figures_fixture, persona_client):
    client = persona_client("itmanager2")
    board = _dashboard(client)
    assert {r.name for r in board.agencies} == {WATER}
    # Asking for education by its id changes nothing (the choice is not offered).
    board = _dashboard(client, agency=education().pk)
    assert {r.name for r in board.agencies} == {WATER}
    assert EDUCATION not in client.get(reverse("resolutions:dashboard")).content.decode()


def test_itmanager_sees_his_agency_only(figures_fixture, persona_client):
    board = _dashboard(persona_client("itmanager"), **_period())
    assert [r.name for r in board.agencies] == [EDUCATION]
    assert _counts(board.totals) == EDUCATION_BY_HAND


def test_chair_sees_the_bodies_he_chairs(figures_fixture, working_group, persona_client):
    board = _dashboard(persona_client("chair"), **_period())
    assert board.totals.total == 5


def test_member_without_any_directive_gets_the_empty_state(persona_client):
    response = persona_client("outsider").get(reverse("resolutions:dashboard"))
    assert response.status_code == 200
    assert response.context["dashboard"].totals.total == 0
    assert "هنوز ابلاغی برای نمایش به شما نیست" in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client):
    for name in ("dashboard", "dashboard_xlsx", "dashboard_pdf"):
        response = client.get(reverse(f"resolutions:{name}"))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_page_shows_numbers_chart_and_colours_without_style_attributes(
    figures_fixture, persona_client
):
    html = persona_client("admin").get(reverse("resolutions:dashboard"), _period()).content
    html = html.decode()
    assert "<svg" in html and 'class="bar-overdue"' in html and 'class="bar-verified"' in html
    assert "style=" not in html
    assert "rag rag-red" in html and "rag rag-amber" in html
    assert "۶۷٪" in html  # the total's on-time rate, in Persian digits
    assert "<script>" not in html


def test_on_time_rate_without_data_shows_a_dash(working_group, persona_client):
    Directive.objects.update(issued_on=datetime.date(2015, 6, 1))
    approved_with(working_group, {"responsible": [education()]})
    board = _dashboard(persona_client("admin"), **_period())
    assert board.totals.on_time_rate is None
    html = persona_client("admin").get(reverse("resolutions:dashboard"), _period()).content
    assert "—" in html.decode()


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({}, GREEN),
        ({"overdue": 1, "verified_with_deadline": 1, "verified_on_time": 1}, RED),
        ({"verified_with_deadline": 5, "verified_on_time": 2}, RED),  # 40 %
        ({"verified_with_deadline": 2, "verified_on_time": 1}, AMBER),  # 50 %
        ({"verified_with_deadline": 5, "verified_on_time": 3}, AMBER),  # 60 %
        ({"verified_with_deadline": 5, "verified_on_time": 4}, GREEN),  # 80 %
        ({"stale_unacknowledged": 1}, AMBER),
        ({"stale_unacknowledged": 1, "overdue": 2}, RED),
    ],
)
def test_rag_thresholds(counts, expected):
    assert rag_status(Figures(**counts)) == expected


def test_unacknowledged_after_seven_days_turns_amber(working_group, persona_client):
    Directive.objects.update(issued_on=datetime.date(2015, 6, 1))
    meeting = approved_with(working_group, {"responsible": [education()]})
    directive = Directive.objects.get(resolution__meeting=meeting)
    eight_days_ago = timezone.localdate() - datetime.timedelta(days=8)
    Directive.objects.filter(pk=directive.pk).update(issued_on=eight_days_ago, due_date=None)
    board = _dashboard(
        persona_client("admin"),
        date_from=format_jalali_short(eight_days_ago),
        agency=education().pk,
    )
    assert (board.totals.stale_unacknowledged, board.totals.rag) == (1, AMBER)


# --- exports ---------------------------------------------------------------------------------


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return load_workbook(io.BytesIO(response.content))


def test_excel_export_has_the_filtered_rows(figures_fixture, persona_client):
    wb = _workbook(
        persona_client("governor_office").get(reverse("resolutions:dashboard_xlsx"), _period())
    )
    agencies, bodies, detail = wb.worksheets[:3]
    assert all(ws.sheet_view.rightToLeft for ws in wb.worksheets)
    assert agencies["A1"].font.bold and detail["A1"].font.bold
    rows = list(agencies.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [EDUCATION, WATER, "جمع"]
    assert rows[0][1:10] == (3, 1, 1, 0, 0, 1, 0, 1, 1.0)
    assert rows[1][1:10] == (2, 0, 0, 0, 0, 2, 0, 0, 0.5)
    assert rows[2][1] == 5
    assert [r[0] for r in bodies.iter_rows(min_row=2, values_only=True)][-1] == "جمع"
    details = list(detail.iter_rows(min_row=2, values_only=True))
    assert len(details) == 5
    overdue = [r for r in details if r[11] == "بله"]
    assert len(overdue) == 1 and overdue[0][1] == EDUCATION


def test_excel_export_types_its_cells_and_filters_every_sheet(figures_fixture, persona_client):
    wb = _workbook(
        persona_client("governor_office").get(reverse("resolutions:dashboard_xlsx"), _period())
    )
    agencies, _bodies, detail, about = wb.worksheets
    headers = [c.value for c in detail[1]]
    assert headers[7:11] == ["تاریخ ابلاغ", "تاریخ ابلاغ (شمسی)", "مهلت", "مهلت (شمسی)"]
    directives = {
        to_persian_digits(d.letter_number): d
        for d in Directive.objects.filter(issued_on=timezone.localdate())
    }
    rows = list(detail.iter_rows(min_row=2))
    assert len(rows) == len(directives) == 5
    for row in rows:
        letter, issued, issued_jalali, due, due_jalali = (row[i] for i in (0, 7, 8, 9, 10))
        # The letter number as text in Persian digits, exactly as the letter prints it.
        assert letter.data_type == "s" and letter.value in directives
        assert not any(c in "0123456789" for c in letter.value)
        directive = directives[letter.value]
        # Dates are date cells, with the Jalali date as text beside them.
        assert issued.is_date and issued.value.date() == timezone.localdate()
        assert issued_jalali.value == format_jalali_short(directive.issued_on)
        assert due.is_date and due.value.date() == directive.due_date.togregorian()
        assert due_jalali.value == format_jalali_short(directive.due_date)
        assert isinstance(row[12].value, int)  # progress, a number
    # Counts and rates are numbers; a row without a rate has an empty cell, not «—».
    for row in agencies.iter_rows(min_row=2):
        assert all(isinstance(cell.value, int) for cell in row[1:9])
        assert row[9].value is None or isinstance(row[9].value, int | float)
    # An autofilter on the header of every sheet; the total row stays out of it.
    assert agencies.auto_filter.ref == f"A1:K{agencies.max_row - 1}"
    assert detail.auto_filter.ref == "A1:M6"
    assert all(ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:") for ws in wb.worksheets)
    assert about["B2"].is_date and about["B3"].value == format_jalali_short(timezone.localdate())


def test_excel_export_file_name_has_the_jalali_date(working_group, persona_client):
    response = persona_client("admin").get(reverse("resolutions:dashboard_xlsx"))
    j = jdatetime.date.fromgregorian(date=timezone.localdate())
    day = f"{j.year:04d}-{j.month:02d}-{j.day:02d}"
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="dashboard-{day}.xlsx"')
    persian = f"داشبورد پیگیری مصوبات {to_persian_digits(day)}.xlsx"
    assert f"filename*=UTF-8''{quote(persian, safe='')}" in disposition


def test_excel_export_keeps_to_the_users_directives(figures_fixture, persona_client):
    wb = _workbook(persona_client("itmanager2").get(reverse("resolutions:dashboard_xlsx")))
    agencies, _bodies, detail = wb.worksheets[:3]
    assert [r[0] for r in agencies.iter_rows(min_row=2, values_only=True)] == [WATER, "جمع"]
    assert {r[1] for r in detail.iter_rows(min_row=2, values_only=True)} == {WATER}


def test_excel_export_neutralises_formulas(working_group, persona_client):
    Directive.objects.update(issued_on=datetime.date(2015, 6, 1))
    text = "=cmd|' /C calc'!A0"
    approved_with(working_group, {"responsible": [education()], "text": text})
    wb = _workbook(persona_client("admin").get(reverse("resolutions:dashboard_xlsx"), _period()))
    detail = wb.worksheets[2]
    (row,) = list(detail.iter_rows(min_row=2))
    cell = row[5]
    assert cell.value == "'" + text
    assert cell.data_type == "s"
    assert not any(c.data_type == "f" for ws in wb.worksheets for r in ws.iter_rows() for c in r)


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_safe_cell_prefixes_formula_starts(prefix):
    assert safe_cell(prefix + "1+1") == "'" + prefix + "1+1"


def test_safe_cell_leaves_other_values():
    assert safe_cell("متن عادی") == "متن عادی"
    assert safe_cell(5) == 5
    assert safe_cell(None) is None
    assert safe_cell("a\x01b") == "ab"


def test_pdf_export(figures_fixture, persona_client):
    response = persona_client("secretary").get(reverse("resolutions:dashboard_pdf"), _period())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "۵" in text  # the total in Persian digits


def test_pdf_export_has_the_headline_figures_the_chart_and_the_definitions(
    figures_fixture, persona_client
):
    response = persona_client("governor_office").get(
        reverse("resolutions:dashboard_pdf"), _period()
    )
    pages = _pdf_pages(response.content)
    first = pages[0]
    # The headline figures of the page, each under its label: 5 issued, 2 open, 1 overdue,
    # 3 verified (single digits: PDF text extraction may reverse longer runs), on time.
    headline = "".join(
        normalize_for_search(label) + value
        for label, value in (
            ("ابلاغ‌شده", "5"),
            ("باز", "2"),
            ("معوق (امروز)", "1"),
            ("تأییدشده", "3"),
        )
    )
    assert headline + normalize_for_search("انجام به‌موقع (از تأییدشده‌های مهلت‌دار)") in first
    # The chart: a bar per agency, its label in text (the bars themselves are SVG).
    chart = first.split(normalize_for_search("وضعیت ابلاغ‌ها به تفکیک دستگاه"), 1)[1]
    assert normalize_for_search(EDUCATION) in chart and normalize_for_search(WATER) in chart
    # Each figure's definition.
    text = "".join(pages)
    definitions = text.split(normalize_for_search("تعریف ارقام"), 1)[1]
    for term, definition in (
        ("منتظر رسید", "ابلاغ‌هایی که دستگاه هنوز رسیدشان را اعلام نکرده است"),
        ("معوق", "ابلاغ باز که مهلتش گذشته است"),
        ("انجام به‌موقع", "تقسیم بر همه ابلاغ‌های تأییدشده مهلت‌دار"),
    ):
        assert normalize_for_search(term) in definitions
        assert normalize_for_search(definition) in definitions


def _agency_rows(n: int) -> Dashboard:
    rows = [
        Figures(key=i, name=f"دستگاه آزمایشی {i}", total=2, waiting=1, verified=1) for i in range(n)
    ]
    totals = Figures(total=2 * n, waiting=n, verified=n)
    body = Figures(key=1, name="کارگروه", total=2 * n, waiting=n, verified=n)
    return Dashboard(agencies=rows, bodies=[body], totals=totals)


@pytest.mark.parametrize("agencies", [22, 23, 24])
def test_pdf_export_keeps_each_total_row_with_its_table(agencies):
    """Around the count whose rows fill a page exactly (23 today), the total row never
    starts a page alone: the last row goes over with it."""
    pdf = render_pdf(
        "resolutions/dashboard/pdf.html",
        {
            "dashboard": _agency_rows(agencies),
            "filters_text": [],
            "generated_on": timezone.localdate(),
            "thresholds": {"red": 50, "amber": 80, "days": 7},
        },
    )
    pages = _pdf_pages(pdf)
    total_page = next(page for page in pages if "جمع" in page)
    assert normalize_for_search("دستگاه آزمایشی") in total_page.split("جمع", 1)[0]


def _pdf_pages(content: bytes) -> list[str]:
    return [normalize_for_search(p.extract_text()) for p in PdfReader(io.BytesIO(content)).pages]


def test_pdf_export_for_a_user_with_nothing(persona_client):
    response = persona_client("outsider").get(reverse("resolutions:dashboard_pdf"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


# --- query budget ------------------------------------------------------------------------


def _directives(working_group, many: bool) -> None:
    """One more directive, or two dozen (the caches warm the same either way)."""
    n = 12 if many else 1
    agencies = [education(), water()] if many else [education()]
    approved_with(
        working_group, *[{"responsible": agencies, "text": f"تکلیف {i}"} for i in range(n)]
    )


@pytest.mark.parametrize("many", [False, True])
# The secretary's 21 include one for his directive scope (directive_scope: kept in the cache
# between requests in production, counted here cold).
@pytest.mark.parametrize(("persona", "queries"), [("secretary", 21), ("admin", 8)])
def test_dashboard_query_budget(
    many, persona, queries, working_group, persona_client, django_assert_num_queries
):
    _directives(working_group, many)
    client = persona_client(persona)
    with django_assert_num_queries(queries):
        assert client.get(reverse("resolutions:dashboard")).status_code == 200


@pytest.mark.parametrize("many", [False, True])
def test_excel_export_query_budget(many, working_group, persona_client, django_assert_num_queries):
    _directives(working_group, many)
    client = persona_client("secretary")
    with django_assert_num_queries(18):  # 17 + the directive scope (see above)
        assert client.get(reverse("resolutions:dashboard_xlsx")).status_code == 200


def test_kept_figures_are_per_viewer_and_end_with_a_write(
    figures_fixture, persona_client, settings, django_capture_on_commit_callbacks
):
    """With the figures kept in the cache, an IT manager is never given the figures
    counted for the governor's office, and a directive's change shows at once."""
    from django.core.cache import cache

    settings.DASHBOARD_CACHE_SECONDS = 600
    cache.clear()
    try:
        governor = _dashboard(persona_client("governor_office"), **_period())
        assert _counts(governor.totals)["total"] == 5
        manager = _dashboard(persona_client("itmanager"), **_period())
        assert _counts(manager.totals) == EDUCATION_BY_HAND
        # A second view is served from the cache: the same figures, fewer queries.
        again = _dashboard(persona_client("governor_office"), **_period())
        assert _counts(again.totals) == _counts(governor.totals)
        waiting = Directive.objects.filter(state=DirectiveState.ISSUED).first()
        with django_capture_on_commit_callbacks(execute=True):
            directive_acknowledge(directive=waiting, user=user("itmanager"))
        after = _dashboard(persona_client("governor_office"), **_period())
        assert _counts(after.totals)["waiting"] == _counts(governor.totals)["waiting"] - 1
    finally:
        cache.clear()


def test_the_page_makes_its_exports_in_the_background_for_its_user(
    figures_fixture, persona_client, settings, django_capture_on_commit_callbacks
):
    """«خروجی اکسل» on the page starts a job with the page's filters; the job's file is the
    same workbook the user would get directly, with his own directives only."""
    from egov_portal.models import Job

    settings.JOBS_EAGER = True
    manager = persona_client("itmanager")
    page = manager.get(reverse("resolutions:dashboard"), _period()).content.decode()
    assert 'action="/dashboard/export/"' in page
    query = page.split('name="query" value="')[1].split('"')[0].replace("&amp;", "&")
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            reverse("resolutions:dashboard_export"), {"format": "xlsx", "query": query}
        )
    job = Job.objects.get()
    assert response.url == reverse("resolutions:job_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.state == "done", job.error
    job.result.open("rb")
    sheet = load_workbook(io.BytesIO(job.result.read()))["ابلاغ‌ها"]
    job.result.close()
    agencies = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert agencies == {EDUCATION}  # the IT manager's agency only, as on his page
    download = manager.get(reverse("resolutions:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    # Someone else cannot fetch it.
    other = persona_client("governor_office").get(
        reverse("resolutions:job_download", args=[job.pk])
    )
    assert other.status_code == 404


def test_an_unknown_export_format_starts_nothing(persona_client):
    from egov_portal.models import Job

    client = persona_client("governor_office")
    response = client.post(reverse("resolutions:dashboard_export"), {"format": "exe"})
    assert response.status_code == 302
    assert not Job.objects.exists()
    page = client.get(response.url).content.decode()
    assert "قالب خروجی شناخته نیست." in page
