"""The dashboard's figures as an Excel workbook (openpyxl).

Every text cell goes through :func:`safe_cell`, so a resolution or a name typed as
``=HYPERLINK(...)`` or ``=cmd|...`` stays text in a spreadsheet program instead of
becoming a formula (CSV/formula injection).
"""

from __future__ import annotations

import datetime
import io
import re

from django.utils.translation import gettext as _

from egov_portal.text.jalali import format_jalali_short
from resolutions.selectors.dashboard import Dashboard, Figures

# What a spreadsheet program may read as the start of a formula or a command.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Control characters an .xlsx file cannot hold (openpyxl refuses them).
_ILLEGAL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        "—" if rate is None else rate,
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
    if totals:
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 42
    return ws


def dashboard_workbook(
    *, dashboard: Dashboard, directives, filters_text: list[str], today: datetime.date
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
            _("مهلت"),
            _("معوق"),
            _("درصد پیشرفت"),
        ],
    )
    for directive in directives:
        resolution = directive.resolution
        detail.append(
            [
                safe_cell(directive.letter_number),
                safe_cell(directive.agency.name),
                safe_cell(directive.body.name),
                safe_cell(resolution.meeting.title),
                safe_cell(resolution.label),
                safe_cell(resolution.text),
                safe_cell(directive.get_state_display()),
                format_jalali_short(directive.issued_on),
                format_jalali_short(directive.due_date),
                _("بله") if directive.is_overdue_on(today) else _("خیر"),
                directive.progress,
            ]
        )
    for column, width in zip("ABCDEF", (18, 36, 30, 18, 8, 60), strict=True):
        detail.column_dimensions[column].width = width
    about = _sheet(wb, _("گزارش"), [_("داشبورد پیگیری مصوبات")])
    about.append([_("تاریخ تهیه: %(date)s") % {"date": format_jalali_short(today)}])
    for line in filters_text:
        about.append([safe_cell(line)])
    about.column_dimensions["A"].width = 60
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
