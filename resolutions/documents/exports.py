"""The dashboard's figures as an Excel workbook (openpyxl).

Every text cell goes through :func:`safe_cell`, so a resolution or a name typed as
``=HYPERLINK(...)`` or ``=cmd|...`` stays text in a spreadsheet program instead of
becoming a formula (CSV/formula injection). Counts and rates are numbers, dates are date
cells with the Jalali date as text beside them, letter numbers are text in Persian digits
as the portal prints them, and every sheet has an autofilter on its header row.
"""

from __future__ import annotations

import datetime
import io
import re

from django.utils.translation import gettext as _

from egov_portal.text.jalali import format_jalali_short, to_jalali
from egov_portal.text.persian import to_persian_digits
from resolutions.selectors.dashboard import Dashboard, Figures

# What a spreadsheet program may read as the start of a formula or a command.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Control characters an .xlsx file cannot hold (openpyxl refuses them).
_ILLEGAL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# How date cells show (the Jalali date is in the next column).
DATE_FORMAT = "yyyy-mm-dd"


def export_file_names(today: datetime.date, stem: str = "dashboard") -> tuple[str, str]:
    """The export's file name on ``today``: ASCII («dashboard-1405-09-09») and Persian
    («داشبورد پیگیری مصوبات ۱۴۰۵-۰۹-۰۹»), both with the Jalali date, without extension."""
    j = to_jalali(today)
    day = f"{j.year:04d}-{j.month:02d}-{j.day:02d}"
    persian = _("داشبورد پیگیری مصوبات %(date)s") % {"date": to_persian_digits(day)}
    return f"{stem}-{day}", persian


def safe_cell(value):
    """``value`` made safe for a spreadsheet cell.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading apostrophe and stays text; control characters a workbook cannot hold are
    dropped. Numbers, dates, booleans and None pass unchanged.
    """
    if value is None or isinstance(value, bool | int | float | datetime.date):
        return value
    text = _ILLEGAL_RE.sub("", str(value))
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _figure_headers(first: str) -> list[str]:
    return [
        first,
        _("ابلاغ‌شده (کل)"),
        _("منتظر رسید"),
        _("رسید شده"),
        _("در حال اجرا"),
        _("گزارش انجام"),
        _("تأییدشده"),
        _("لغو یا جایگزین"),
        _("معوق"),
        _("انجام به‌موقع"),
        _("وضعیت"),
    ]


def _figure_cells(row: Figures) -> list:
    rate = row.on_time_rate
    return [
        safe_cell(row.name),
        row.total,
        row.waiting,
        row.acknowledged,
        row.in_progress,
        row.reported_done,
        row.verified,
        row.withdrawn,
        row.overdue,
        rate,  # a number (shown as a percentage), empty when there is none yet
        str(row.rag_label),
    ]


def _sheet(wb, title: str, headers: list[str], *, first: bool = False):
    from openpyxl.styles import Font

    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.sheet_view.rightToLeft = True
    ws.append([safe_cell(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    return ws


def _filter_rows(ws, last_row: int | None = None) -> None:
    """An autofilter over the header and the rows up to ``last_row`` (a total row below
    it stays put when the rows are sorted or filtered)."""
    from openpyxl.utils import get_column_letter

    last = ws.max_row if last_row is None else last_row
    ws.auto_filter.ref = f"A1:{get_column_letter(ws.max_column)}{max(last, 1)}"


def _gregorian(value) -> datetime.date | None:
    return value.togregorian() if hasattr(value, "togregorian") else value


def _date_cells(value) -> list:
    """A date cell and the Jalali date beside it (two empty cells for no date)."""
    return [_gregorian(value), format_jalali_short(value) or None]


RAG_FILLS = {"red": "F8D7DA", "amber": "FFF3CD", "green": "D1E7DD"}


def _figures_sheet(wb, title: str, first_header: str, rows: list[Figures], totals, *, first):
    from openpyxl.styles import Font, PatternFill

    ws = _sheet(wb, title, _figure_headers(first_header), first=first)
    for row in [*rows, *([totals] if totals else [])]:
        ws.append(_figure_cells(row))
        rate_cell, rag_cell = ws.cell(ws.max_row, 10), ws.cell(ws.max_row, 11)
        if row.on_time_rate is not None:
            rate_cell.number_format = "0%"
        rag_cell.fill = PatternFill("solid", fgColor=RAG_FILLS[row.rag])
    _filter_rows(ws, ws.max_row - 1 if totals else None)
    if totals:
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 42
    return ws


def dashboard_workbook(
    *,
    dashboard: Dashboard,
    directives,
    filters_text: list[str],
    today: datetime.date,
    definitions: list[tuple[str, str]] = (),
) -> bytes:
    """The workbook: figures per agency (with the total), per body, and every directive."""
    from openpyxl import Workbook

    wb = Workbook()
    _figures_sheet(wb, _("دستگاه‌ها"), _("دستگاه"), dashboard.agencies, dashboard.totals, first=True)
    _figures_sheet(wb, _("ارکان"), _("رکن"), dashboard.bodies, dashboard.totals, first=False)
    detail = _sheet(
        wb,
        _("ابلاغ‌ها"),
        [
            _("شماره نامه"),
            _("دستگاه"),
            _("رکن"),
            _("جلسه"),
            _("بند"),
            _("متن مصوبه"),
            _("وضعیت"),
            _("تاریخ ابلاغ"),
            _("تاریخ ابلاغ (شمسی)"),
            _("مهلت"),
            _("مهلت (شمسی)"),
            _("معوق"),
            _("درصد پیشرفت"),
        ],
    )
    for directive in directives:
        resolution = directive.resolution
        detail.append(
            [
                # Text in Persian digits, as printed on the letter (never a number or a date).
                safe_cell(to_persian_digits(directive.letter_number)),
                safe_cell(directive.agency.name),
                safe_cell(directive.body.name),
                safe_cell(resolution.meeting.title),
                safe_cell(resolution.label),
                safe_cell(resolution.text),
                safe_cell(directive.get_state_display()),
                *_date_cells(directive.issued_on),
                *_date_cells(directive.due_date),
                _("بله") if directive.is_overdue_on(today) else _("خیر"),
                directive.progress,
            ]
        )
        for column in (8, 10):
            detail.cell(detail.max_row, column).number_format = DATE_FORMAT
    _filter_rows(detail)
    for column, width in zip("ABCDEFGHIJ", (18, 36, 30, 18, 8, 60, 14, 12, 14, 12), strict=True):
        detail.column_dimensions[column].width = width
    about = _sheet(wb, _("گزارش"), [_("داشبورد پیگیری مصوبات"), _("مقدار")])
    about.append([_("تاریخ تهیه"), today])
    about.cell(about.max_row, 2).number_format = DATE_FORMAT
    about.append([_("تاریخ تهیه (شمسی)"), format_jalali_short(today)])
    for line in filters_text:
        about.append([_("فیلتر"), safe_cell(line)])
    for label, text in definitions:
        about.append([str(label), str(text)])
    _filter_rows(about)
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
