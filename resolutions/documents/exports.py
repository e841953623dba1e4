"""The dashboard's figures as an Excel workbook (openpyxl).

Every text cell goes through :func:`safe_cell`, so a resolution or a name typed as
``=HYPERLINK(...)`` or ``=cmd|...`` stays text in a spreadsheet program instead of
becoming a formula (CSV/formula injection). Counts and rates are numbers, dates are date
cells with the Jalali date as text beside them, letter numbers are text in Persian digits
as the portal prints them, and every sheet has an autofilter on its header row.
"""

from __future__ import annotations

import datetime
import functools
import io
import re

from django.utils.translation import gettext as _

from egov_portal.text.jalali import format_jalali_short, to_jalali
from egov_portal.text.persian import to_persian_digits
from resolutions.models import DirectiveState
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


class _Sheet:
    """A write-only (streamed) worksheet that counts its rows: the workbook is written
    row by row, never held as cells, so a ten-year export is as fast per row as a small
    one. Column widths, the view and the frozen header are set before the first row (the
    format writes them first); the autofilter is set when the sheet is finished."""

    def __init__(self, wb, title: str, headers: list[str], widths: dict[str, float]):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        self.ws = wb.create_sheet(title)
        self.ws.sheet_view.rightToLeft = True
        self.ws.freeze_panes = "A2"
        for column, width in widths.items():
            self.ws.column_dimensions[column].width = width
        self.columns = len(headers)
        self.rows = 0
        self._cell = WriteOnlyCell
        self.append([self.cell(safe_cell(h), font=Font(bold=True)) for h in headers])

    def cell(self, value, **style):
        cell = self._cell(self.ws, value=value)
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    def append(self, values: list) -> None:
        self.ws.append(values)
        self.rows += 1

    def finish(self, last_row: int | None = None) -> None:
        """An autofilter over the header and the rows up to ``last_row`` (a total row
        below it stays put when the rows are sorted or filtered)."""
        from openpyxl.utils import get_column_letter

        last = self.rows if last_row is None else last_row
        self.ws.auto_filter.ref = f"A1:{get_column_letter(self.columns)}{max(last, 1)}"


def _gregorian(value) -> datetime.date | None:
    return value.togregorian() if hasattr(value, "togregorian") else value


def _date_cells(value) -> list:
    """A date cell and the Jalali date beside it (two empty cells for no date)."""
    return [_gregorian(value), format_jalali_short(value) or None]


RAG_FILLS = {"red": "F8D7DA", "amber": "FFF3CD", "green": "D1E7DD"}


def _figures_sheet(wb, title: str, first_header: str, rows: list[Figures], totals):
    from openpyxl.styles import Font, PatternFill

    sheet = _Sheet(wb, title, _figure_headers(first_header), {"A": 42})
    bold = Font(bold=True)
    for row in [*rows, *([totals] if totals else [])]:
        style = {"font": bold} if row is totals else {}
        cells = [sheet.cell(value, **style) for value in _figure_cells(row)]
        if row.on_time_rate is not None:
            cells[9].number_format = "0%"
        cells[10].fill = PatternFill("solid", fgColor=RAG_FILLS[row.rag])
        sheet.append(cells)
    sheet.finish(sheet.rows - 1 if totals else None)


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

    wb = Workbook(write_only=True)
    _figures_sheet(wb, _("دستگاه‌ها"), _("دستگاه"), dashboard.agencies, dashboard.totals)
    _figures_sheet(wb, _("ارکان"), _("رکن"), dashboard.bodies, dashboard.totals)
    widths = dict(zip("ABCDEFGHIJ", (18, 36, 30, 18, 8, 60, 14, 12, 14, 12), strict=True))
    detail = _Sheet(
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
        widths,
    )
    yes, no = _("بله"), _("خیر")
    # A province's ten years are ~300,000 rows over ~30,000 resolutions, ~1,200 meetings,
    # ~300 agencies and ~3,650 days: what a row repeats is worked out once.
    states = {value: str(label) for value, label in DirectiveState.choices}
    jalali = functools.lru_cache(maxsize=None)(_date_cells)
    names: dict[tuple[str, int], str] = {}
    resolutions: dict[int, tuple] = {}
    for directive in directives.iterator(chunk_size=2000):
        resolution = directive.resolution
        shown = resolutions.get(resolution.pk)
        if shown is None:
            shown = resolutions[resolution.pk] = (
                safe_cell(resolution.meeting.title),
                safe_cell(resolution.label),
                safe_cell(resolution.text),
            )
        agency = names.get(("agency", directive.agency_id))
        if agency is None:
            agency = names[("agency", directive.agency_id)] = safe_cell(directive.agency.name)
        body = names.get(("body", directive.body_id))
        if body is None:
            body = names[("body", directive.body_id)] = safe_cell(directive.body.name)
        issued, issued_jalali = jalali(directive.issued_on)
        due, due_jalali = jalali(directive.due_date)
        detail.append(
            [
                # Text in Persian digits, as printed on the letter (never a number or a date).
                safe_cell(to_persian_digits(directive.letter_number)),
                agency,
                body,
                *shown,
                states.get(directive.state, directive.state),
                detail.cell(issued, number_format=DATE_FORMAT),
                issued_jalali,
                detail.cell(due, number_format=DATE_FORMAT),
                due_jalali,
                yes if directive.is_overdue_on(today) else no,
                directive.progress,
            ]
        )
    detail.finish()
    about = _Sheet(wb, _("گزارش"), [_("داشبورد پیگیری مصوبات"), _("مقدار")], {"A": 24, "B": 60})
    about.append([_("تاریخ تهیه"), about.cell(today, number_format=DATE_FORMAT)])
    about.append([_("تاریخ تهیه (شمسی)"), format_jalali_short(today)])
    for line in filters_text:
        about.append([_("فیلتر"), safe_cell(line)])
    for label, text in definitions:
        about.append([str(label), str(text)])
    about.finish()
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
