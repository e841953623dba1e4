"""Reads for the directives dashboard and its exports: figures per body and agency, the
filters, and the chart."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Body
from egov_portal.page_cache import kept
from egov_portal.text.collation import persian_order
from egov_portal.text.i18n import digits
from egov_portal.text.persian import persian_sort_key
from members.models import Agency
from resolutions.models import OPEN_STATES, Directive, DirectiveState, overdue_q

# --- the red / amber / green status ----------------------------------------------------------

# A row is RED when any directive is overdue or fewer than half of the verified directives
# with a deadline were verified on time; AMBER when fewer than 80 % were on time or a
# directive has waited more than 7 days for its receipt to be acknowledged; GREEN otherwise.
# A row with no verified directive that had a deadline has no on-time rate, and the rate
# then plays no part.
RED_ON_TIME_BELOW = 0.5
AMBER_ON_TIME_BELOW = 0.8
ACKNOWLEDGE_WITHIN_DAYS = 7

RED, AMBER, GREEN = "red", "amber", "green"
RAG_LABELS = {RED: _("قرمز"), AMBER: _("زرد"), GREEN: _("سبز")}
RAG_SEVERITY = {GREEN: 0, AMBER: 1, RED: 2}


def rag_status(figures: Figures) -> str:
    """Red, amber or green for a row of figures (thresholds documented above)."""
    rate = figures.on_time_rate
    if figures.overdue or (rate is not None and rate < RED_ON_TIME_BELOW):
        return RED
    if (rate is not None and rate < AMBER_ON_TIME_BELOW) or figures.stale_unacknowledged:
        return AMBER
    return GREEN


# --- figures -----------------------------------------------------------------------------------


def figure_definitions() -> list[tuple[str, str]]:
    """What each figure of the dashboard counts, in the interface's language: shown under the
    page's figures, printed in its PDF and written in its workbook, so the three agree.
    «انجام به‌موقع» is a share of the verified directives that had a deadline, and «معوق» is
    what is overdue today: the two answer different questions and are defined apart."""
    return [
        (_("ابلاغ‌شده"), _("همه ابلاغ‌های این گزارش، از جمله لغوشده‌ها و جایگزین‌شده‌ها.")),
        (
            _("باز"),
            _("ابلاغ‌هایی که هنوز تأیید نشده‌اند: منتظر رسید، رسید شده، در حال اجرا و گزارش انجام."),
        ),
        (_("منتظر رسید"), _("ابلاغ‌هایی که دستگاه هنوز رسیدشان را اعلام نکرده است.")),
        (_("رسید شده"), _("ابلاغ‌هایی که رسیدشان اعلام شده و هنوز گزارشی ندارند.")),
        (_("در حال اجرا"), _("ابلاغ‌هایی با گزارش پیشرفت، و ابلاغ‌های برگشت‌خورده برای تکمیل.")),
        (
            _("گزارش انجام"),
            _("ابلاغ‌هایی که دستگاه انجامشان را گزارش کرده و در انتظار تأیید دبیرخانه‌اند."),
        ),
        (_("تأییدشده"), _("ابلاغ‌هایی که دبیرخانه انجامشان را تأیید کرده است.")),
        (_("معوق"), _("ابلاغ باز که مهلتش گذشته است (هر روز از نو محاسبه می‌شود).")),
        (
            _("انجام به‌موقع"),
            _(
                "ابلاغ‌های تأییدشده‌ای که تا روز مهلت تأیید شده‌اند، تقسیم بر همه ابلاغ‌های "
                "تأییدشده مهلت‌دار؛ «—» یعنی هنوز ابلاغ مهلت‌داری تأیید نشده است."
            ),
        ),
        (
            _("وضعیت"),
            _(
                "قرمز: ابلاغ معوق، یا انجام به‌موقع کمتر از %(red)s٪. زرد: انجام به‌موقع کمتر از "
                "%(amber)s٪، یا رسید اعلام‌نشده پس از %(days)s روز. سبز: در غیر این صورت."
            )
            % {
                "red": digits(round(RED_ON_TIME_BELOW * 100)),
                "amber": digits(round(AMBER_ON_TIME_BELOW * 100)),
                "days": digits(ACKNOWLEDGE_WITHIN_DAYS),
            },
        ),
    ]


WITHDRAWN_STATES = (DirectiveState.CANCELLED, DirectiveState.SUPERSEDED)


@dataclass
class Figures:
    """The counts of one row (an agency, a body, a resolution, or the total)."""

    key: int | None = None
    name: str = ""
    total: int = 0  # every directive issued
    waiting: int = 0  # issued, receipt not yet acknowledged
    acknowledged: int = 0  # receipt acknowledged, no report yet
    in_progress: int = 0  # in progress, or returned for completion
    reported_done: int = 0  # reported done, awaiting the secretariat
    verified: int = 0  # verified done by the secretariat
    withdrawn: int = 0  # cancelled or superseded by a later resolution
    overdue: int = 0  # open and past its deadline
    verified_with_deadline: int = 0
    verified_on_time: int = 0  # verified on or before its deadline
    stale_unacknowledged: int = 0  # waiting for acknowledgement for more than 7 days

    COUNTS = (
        "total",
        "waiting",
        "acknowledged",
        "in_progress",
        "reported_done",
        "verified",
        "withdrawn",
        "overdue",
        "verified_with_deadline",
        "verified_on_time",
        "stale_unacknowledged",
    )

    @property
    def open(self) -> int:
        return self.waiting + self.acknowledged + self.in_progress + self.reported_done

    @property
    def open_on_time(self) -> int:
        return self.open - self.overdue

    @property
    def active(self) -> int:
        """Directives still binding (not cancelled or superseded)."""
        return self.total - self.withdrawn

    @property
    def on_time_rate(self) -> float | None:
        """Verified on or before the deadline ÷ verified with a deadline; None without data."""
        if not self.verified_with_deadline:
            return None
        return self.verified_on_time / self.verified_with_deadline

    @property
    def on_time_percent(self) -> int | None:
        rate = self.on_time_rate
        return None if rate is None else round(rate * 100)

    @property
    def rag(self) -> str:
        return rag_status(self)

    @property
    def rag_label(self) -> str:
        return RAG_LABELS[self.rag]

    @property
    def severity(self) -> int:
        """Green 0, amber 1, red 2: for sorting rows by their colour."""
        return RAG_SEVERITY[self.rag]

    def add(self, other: Figures) -> None:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _counts(today: datetime.date) -> dict:
    """The aggregate of every figure, for ``annotate``/``aggregate``."""
    S = DirectiveState
    stale_before = today - datetime.timedelta(days=ACKNOWLEDGE_WITHIN_DAYS)
    dated_verified = Q(state=S.VERIFIED, due_date__isnull=False)
    return {
        "total": Count("pk"),
        "waiting": Count("pk", filter=Q(state=S.ISSUED)),
        "acknowledged": Count("pk", filter=Q(state=S.ACKNOWLEDGED)),
        "in_progress": Count("pk", filter=Q(state__in=[S.IN_PROGRESS, S.RETURNED])),
        "reported_done": Count("pk", filter=Q(state=S.REPORTED_DONE)),
        "verified": Count("pk", filter=Q(state=S.VERIFIED)),
        "withdrawn": Count("pk", filter=Q(state__in=WITHDRAWN_STATES)),
        "overdue": Count("pk", filter=overdue_q(today)),
        "verified_with_deadline": Count("pk", filter=dated_verified),
        "verified_on_time": Count(
            "pk", filter=dated_verified & Q(verified_at__date__lte=F("due_date"))
        ),
        "stale_unacknowledged": Count("pk", filter=Q(state=S.ISSUED, issued_on__lt=stale_before)),
    }


def _figures(row: dict, key: str, name: str) -> Figures:
    return Figures(key=row[key], name=row[name], **{c: row[c] for c in Figures.COUNTS})


@dataclass(frozen=True)
class DashboardFilters:
    """What the dashboard's GET form asked for; dates are Gregorian and inclusive."""

    body: Body | None = None
    agency: Agency | None = None
    status: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    @property
    def active(self) -> bool:
        return any((self.body, self.agency, self.status, self.date_from, self.date_to))


STATUS_OPEN = "open"
STATUS_OVERDUE = "overdue"


def filter_directives(
    directives: QuerySet[Directive], filters: DashboardFilters, *, today: datetime.date
) -> QuerySet[Directive]:
    """Narrow the user's visible directives to the filters. The period applies to the date
    of issue, compared with explicit Gregorian bounds (no Jalali year/month lookups)."""
    qs = directives
    if filters.body is not None:
        qs = qs.filter(body=filters.body)
    if filters.agency is not None:
        qs = qs.filter(agency=filters.agency)
    if filters.status == STATUS_OPEN:
        qs = qs.filter(state__in=OPEN_STATES)
    elif filters.status == STATUS_OVERDUE:
        qs = qs.overdue_on(today)
    elif filters.status:
        qs = qs.filter(state=filters.status)
    if filters.date_from is not None:
        qs = qs.filter(issued_on__gte=filters.date_from)
    if filters.date_to is not None:
        qs = qs.filter(issued_on__lte=filters.date_to)
    return qs


@dataclass
class Dashboard:
    agencies: list[Figures]
    bodies: list[Figures]
    totals: Figures = field(default_factory=Figures)

    @property
    def chart(self) -> AgencyChart:
        return agency_chart(self.agencies)


def dashboard_figures_kept(
    directives: QuerySet[Directive], *, scope: str, filters, today: datetime.date
) -> Dashboard:
    """:func:`dashboard_figures`, kept in Django's cache until anything they count is
    written (egov_portal.page_cache.versioned_key) or the day changes. ``scope`` names
    whose directives these are («all» for those who read everything, else the user), so
    no one is given figures counted over directives he may not see."""
    parts = (
        "dashboard",
        scope,
        getattr(filters.body, "pk", ""),
        getattr(filters.agency, "pk", ""),
        filters.status,
        filters.date_from,
        filters.date_to,
        today.isoformat(),
    )
    return kept(
        parts,
        lambda: dashboard_figures(directives, today=today),
        seconds=settings.DASHBOARD_CACHE_SECONDS,
    )


def dashboard_figures(
    directives: QuerySet[Directive], *, today: datetime.date | None = None
) -> Dashboard:
    """Figures per agency and per body of ``directives`` (already filtered), and their
    totals: two queries."""
    today = today or timezone.localdate()
    counts = _counts(today)
    agency_rows = (
        directives.order_by()
        .values("agency_id", "agency__name")
        .annotate(**counts)
        .order_by(persian_order("agency__name"), "agency_id")
    )
    body_rows = (
        directives.order_by()
        .values("body_id", "body__name", "body__order")
        .annotate(**counts)
        .order_by("body__order", persian_order("body__name"), "body_id")
    )
    agencies = [_figures(r, "agency_id", "agency__name") for r in agency_rows]
    bodies = [_figures(r, "body_id", "body__name") for r in body_rows]
    totals = Figures(name=str(_("جمع")))
    for row in agencies:
        totals.add(row)
    return Dashboard(agencies=agencies, bodies=bodies, totals=totals)


def directive_rows(directives: QuerySet[Directive]) -> QuerySet[Directive]:
    """Every directive of ``directives`` with what the export's detail sheet shows
    (one query)."""
    return directives.select_related("agency", "body", "resolution__meeting").order_by(
        "body__order", "body_id", "-issued_on", "sequence"
    )


# --- the chart ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    figures: Figures
    label: str
    y: int
    text_y: int
    # x and width of the verified, open (on time) and overdue segments, right to left
    verified: tuple[int, int]
    open: tuple[int, int]
    overdue: tuple[int, int]
    total_x: int


@dataclass(frozen=True)
class AgencyChart:
    bars: list[Bar]
    width: int
    height: int
    label_x: int
    bar_height: int
    omitted: int  # agencies left out of the chart (still in the table)

    @property
    def bar_area(self) -> tuple[int, int]:
        """x and width of the bars without labels or totals: the PDF draws each bar in its
        own row of a table, its label and total as text (WeasyPrint shapes Persian in HTML,
        not in SVG)."""
        origin = self.width - CHART_LABEL_WIDTH - 8
        return CHART_NUMBER_WIDTH, origin - CHART_NUMBER_WIDTH


CHART_WIDTH = 760
CHART_LABEL_WIDTH = 250
CHART_NUMBER_WIDTH = 50
CHART_ROW = 26
CHART_BAR = 16
CHART_LABEL_CHARS = 32
CHART_MAX_BARS = 15


def _short(name: str) -> str:
    return name if len(name) <= CHART_LABEL_CHARS else name[: CHART_LABEL_CHARS - 1] + "…"


def agency_chart(rows: list[Figures]) -> AgencyChart:
    """Geometry of a horizontal stacked bar chart (verified / open / overdue per agency),
    drawn right to left from the labels; rendered as inline SVG by the template. With many
    agencies only the ``CHART_MAX_BARS`` with most overdue, then most directives, are drawn
    (the tables list them all)."""
    total_rows = len(rows)
    rows = sorted(rows, key=lambda r: (-r.overdue, -r.active, persian_sort_key(r.name)))
    rows = rows[:CHART_MAX_BARS]
    origin = CHART_WIDTH - CHART_LABEL_WIDTH - 8
    span = origin - CHART_NUMBER_WIDTH
    largest = max((r.verified + r.open for r in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        y = 6 + index * CHART_ROW
        widths = [round(n * span / largest) for n in (row.verified, row.open_on_time, row.overdue)]
        segments, right = [], origin
        for width in widths:
            segments.append((right - width, width))
            right -= width
        bars.append(
            Bar(
                figures=row,
                label=_short(row.name),
                y=y,
                text_y=y + CHART_BAR - 3,
                verified=segments[0],
                open=segments[1],
                overdue=segments[2],
                total_x=right - 4,
            )
        )
    return AgencyChart(
        bars=bars,
        width=CHART_WIDTH,
        height=12 + len(rows) * CHART_ROW,
        label_x=CHART_WIDTH - 4,
        bar_height=CHART_BAR,
        omitted=max(0, total_rows - CHART_MAX_BARS),
    )
