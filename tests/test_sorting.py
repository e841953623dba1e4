"""Sortable tables: the module that turns ``?sort=`` into an ORDER BY from a whitelist, its
header tag, and every list page sorted by its columns (both ways, with ``aria-sort``, the
filters kept, and the same query budget as unsorted)."""

from __future__ import annotations

import datetime
import re
from urllib.parse import unquote

import jdatetime
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F
from django.http import QueryDict
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from committees.models import Body, BodyKind, Meeting, MeetingState
from committees.services.meetings import meeting_create
from egov_portal.models import AuditAction, AuditEvent, AuditSource
from egov_portal.sorting import (
    ASCENDING,
    DESCENDING,
    Column,
    Sorting,
    choice_rank,
    sort_fields,
    sort_query,
)
from egov_portal.text.persian import persian_sort_key
from members.models import Agency, AgencyKind
from resolutions.models import Directive, DirectiveState, Referral, ReferralState
from resolutions.services.minutes import minutes_approve
from resolutions.services.referrals import referral_place
from resolutions.services.reminders import reminders_send
from resolutions.services.resolutions import resolution_create
from tests.directive_helpers import approved_with, education, water
from tests.meeting_helpers import in_review_meeting, scheduled_meeting, user
from tests.test_inbox import INBOX_QUERIES  # the unsorted inbox's literal budget

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


# --- the module ------------------------------------------------------------------------------


def sorting_for(query: str = "", **kwargs) -> Sorting:
    columns = [
        Column("name", "name"),
        Column("due", F("due_date").asc(nulls_last=True)),
        Column("count", "total", descending_first=True),
        Column("both", "meeting__starts_at", "pk"),
    ]
    return Sorting(QueryDict(query), columns, **kwargs)


@pytest.mark.parametrize(
    "value",
    [
        "password",
        "-password",
        "-user__password",
        "user__password",
        "--name",
        "name__password",
        "-",
        " ",
        "Name",
        "name;DROP TABLE members_agency",
        "pk",
        "?",
    ],
)
def test_an_unknown_or_injected_sort_falls_back_to_the_default(value):
    sorting = sorting_for(default="-due")
    query = QueryDict(mutable=True)
    query["sort"] = value
    asked = Sorting(query, list(sorting.columns.values()), default="-due")
    assert (asked.key, asked.descending, asked.explicit, asked.value) == ("due", True, False, "")
    assert asked.order_by == sorting.order_by


def test_no_default_leaves_the_selectors_order():
    sorting = sorting_for("sort=-user__password")
    assert sorting.key is None and sorting.order_by is None and sorting.direction is None
    queryset = Agency.objects.order_by("-is_active", "name")
    assert sorting.apply(queryset) is queryset
    assert sorting.sort_list([3, 1, 2]) == [3, 1, 2]


def test_direction_and_tiebreak():
    ascending = sorting_for("sort=name")
    assert (ascending.key, ascending.direction, ascending.value) == ("name", ASCENDING, "name")
    assert ascending.order_by == ("name", "pk")
    descending = sorting_for("sort=-name", tiebreak=("-issued_on", "pk"))
    assert (descending.direction, descending.value) == (DESCENDING, "-name")
    assert descending.order_by == ("-name", "-issued_on", "pk")


def test_the_tiebreak_does_not_repeat_the_columns_fields():
    sorting = sorting_for("sort=-both", tiebreak=("-meeting__starts_at", "order", "pk"))
    assert sorting.order_by == ("-meeting__starts_at", "-pk", "order")


def test_descending_keeps_rows_without_a_value_last():
    (ascending,) = sorting_for("sort=due").order_by[:1]
    (descending,) = sorting_for("sort=-due").order_by[:1]
    assert (ascending.descending, ascending.nulls_last) == (False, True)
    assert (descending.descending, descending.nulls_last) == (True, True)


def test_choice_rank_orders_by_the_declared_choices():
    ranked = list(
        Directive.objects.filter(state__in=["verified", "issued", "in_progress"])
        .order_by(choice_rank("state", DirectiveState), "pk")
        .values_list("state", flat=True)
    )
    order = [value for value, _label in DirectiveState.choices]
    assert ranked == sorted(ranked, key=order.index)
    assert len(set(ranked)) > 1


def test_header_link_keeps_the_filters_and_drops_the_page():
    sorting = sorting_for("q=%D8%A2%D8%A8&state=issued&page=3&sort=name&agency=7&agency=9")
    url = QueryDict(sorting.header("name").url.removeprefix("?"))
    assert url.get("sort") == "-name"
    assert url.get("q") == "آب" and url.get("state") == "issued"
    assert url.getlist("agency") == ["7", "9"]
    assert "page" not in url
    other = QueryDict(sorting.header("due").url.removeprefix("?"))
    assert other.get("sort") == "due" and "page" not in other and other.get("q") == "آب"
    reset = QueryDict(sorting.reset_url.removeprefix("?"))
    assert "sort" not in reset and "page" not in reset and reset.get("state") == "issued"


def test_headers_state_and_next_direction():
    sorting = sorting_for("sort=-name")
    headers = sorting.headers
    assert headers["name"].aria_sort == "descending" and headers["name"].arrow == "▼"
    assert headers["name"].next_direction == ASCENDING
    assert headers["name"].url == "?sort=name"
    assert headers["due"].aria_sort == "none" and headers["due"].arrow == ""
    assert headers["due"].url == "?sort=due" and headers["due"].next_direction == ASCENDING
    # A count sorts "most first" on the first click.
    assert headers["count"].url == "?sort=-count"
    assert headers["count"].next_direction == DESCENDING
    assert sorting_for("sort=name").header("name").arrow == "▲"


def test_the_default_is_shown_on_its_header():
    sorting = sorting_for(default="-due")
    assert sorting.header("due").aria_sort == "descending"
    assert sorting.header("due").url == "?sort=due"
    assert not sorting.explicit and sorting.value == ""


def test_two_tables_sort_on_their_own_parameters():
    query = QueryDict("agency_sort=-count&body_sort=name&body=4")
    agencies = Sorting(
        query, [Column("name", "name"), Column("count", "total")], param="agency_sort"
    )
    bodies = Sorting(query, [Column("name", "name"), Column("count", "total")], param="body_sort")
    assert (agencies.key, agencies.descending) == ("count", True)
    assert (bodies.key, bodies.descending) == ("name", False)
    link = QueryDict(agencies.header("name").url.removeprefix("?"))
    assert link.dict() == {"agency_sort": "name", "body_sort": "name", "body": "4"}
    assert sort_fields([agencies, bodies]) == [("agency_sort", "-count"), ("body_sort", "name")]
    assert sort_query(agencies, bodies) == "?agency_sort=-count&body_sort=name"
    assert sort_query(sorting_for(), None, "") == ""


def test_sort_list_reads_attributes_with_none_last_both_ways():
    class Row:
        def __init__(self, name, total):
            self.name, self.total = name, total

    rows = [Row("b", 2), Row("a", None), Row("c", 5), Row("d", 2)]
    ascending = sorting_for("sort=-count").sort_list(rows)  # "count" is ascending on total
    assert [r.name for r in ascending] == ["c", "b", "d", "a"]  # ties keep their order
    assert [r.name for r in sorting_for("sort=count").sort_list(rows)] == ["b", "d", "c", "a"]
    assert [r.name for r in sorting_for("sort=-name").sort_list(rows)] == ["d", "c", "b", "a"]


def test_a_plain_mapping_works_like_a_querydict():
    sorting = Sorting({"sort": "-name", "q": "x"}, [Column("name", "name")])
    assert sorting.value == "-name"
    assert QueryDict(sorting.header("name").url[1:]).dict() == {"sort": "name", "q": "x"}


def test_columns_are_checked_when_declared():
    with pytest.raises(ValueError):
        Column("-name", "name")
    with pytest.raises(ValueError):
        Column("name")
    with pytest.raises(ValueError):
        Sorting(QueryDict(), [Column("a", "a"), Column("a", "b")])
    with pytest.raises(ValueError):
        Sorting(QueryDict(), [Column("a", "a")], default="-password")


# --- the header tag ---------------------------------------------------------------------------

HEADER = re.compile(
    r'<th scope="col"(?: class="[^"]*")? aria-sort="(?P<aria>\w+)">'
    r'<a class="sort-link[^"]*" href="(?P<href>[^"]*)">(?P<label>[^<&]+)'
)


def headers_of(html: str) -> dict[str, tuple[str, str]]:
    """{label: (aria-sort, href)} of every sortable header of a page."""
    return {
        m["label"].strip(): (m["aria"], unquote(m["href"].replace("&amp;", "&")))
        for m in HEADER.finditer(html)
    }


def render(source: str, **context) -> str:
    return Template("{% load sorting %}" + source).render(Context(context))


def test_tag_renders_a_header_with_aria_sort_arrow_and_hint():
    html = render('{% sortable_th s "name" "نام" css="num" %}', s=sorting_for("sort=name&page=2"))
    assert html.startswith('<th scope="col" class="num" aria-sort="ascending">')
    assert 'href="?sort=-name"' in html
    assert '<span class="sort-arrow" aria-hidden="true">▲</span>' in html
    assert '<span class="visually-hidden">، مرتب‌شده به ترتیب صعودی' in html
    other = render('{% sortable_th s "count" "شمار" %}', s=sorting_for("sort=name"))
    assert 'aria-sort="none"' in other and "sort-arrow" not in other
    assert "برای مرتب‌سازی نزولی" in other


def test_tag_without_a_sorting_is_a_plain_header():
    assert render('{% sortable_th s "name" "نام" %}', s="") == '<th scope="col">نام</th>\n'


def test_tag_refuses_an_undeclared_column():
    with pytest.raises(ImproperlyConfigured):
        render('{% sortable_th s "password" "x" %}', s=sorting_for())


def test_hidden_inputs_keep_the_sort_in_a_filter_form():
    html = render("{% sort_hidden_inputs s %}", s=sorting_for("sort=-due&q=x"))
    assert html.strip() == '<input type="hidden" name="sort" value="-due">'
    assert render("{% sort_hidden_inputs s %}", s=sorting_for("sort=evil")).strip() == ""


# --- the pages ----------------------------------------------------------------------------------


def _agencies() -> list[Agency]:
    """Three agencies whose name, kind and status orders all differ."""
    return [
        Agency.objects.create(name="سنجه‌ای 1", kind=AgencyKind.COMPANY),
        Agency.objects.create(name="سنجه‌ای 2", kind=AgencyKind.GOVERNORATE, is_active=False),
        Agency.objects.create(name="سنجه‌ای 3", kind=AgencyKind.DIRECTORATE),
    ]


@pytest.mark.parametrize(
    ("sort", "expected", "label", "aria"),
    [
        ("", [0, 2, 1], "نام", "none"),  # unchanged: active first, then by name
        ("name", [0, 1, 2], "نام", "ascending"),
        ("-name", [2, 1, 0], "نام", "descending"),
        ("kind", [1, 2, 0], "نوع", "ascending"),
        ("-kind", [0, 2, 1], "نوع", "descending"),
        ("-status", [1, 0, 2], "وضعیت", "descending"),
        ("-user__password", [0, 2, 1], "نام", "none"),
    ],
)
def test_agency_list_sorts(client, sort, expected, label, aria):
    agencies = _agencies()
    response = client.get(reverse("members:agency_list"), {"q": "سنجه‌ای", "sort": sort})
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == [agencies[i] for i in expected]
    headers = headers_of(response.content.decode())
    assert set(headers) == {"نام", "نوع", "بخش", "وضعیت"}
    assert headers[label][0] == aria
    assert "q=" in headers[label][1]


def test_agency_list_pagination_and_search_keep_the_sort(client):
    html = client.get(reverse("members:agency_list"), {"sort": "-name"}).content.decode()
    assert Agency.objects.count() > 50
    assert 'href="?sort=-name&amp;page=2"' in html
    assert '<input type="hidden" name="sort" value="-name">' in html
    page2 = client.get(reverse("members:agency_list"), {"sort": "-name", "page": 2})
    names = [a.name for a in page2.context["page_obj"]]
    last_of_first = list(
        client.get(reverse("members:agency_list"), {"sort": "-name"}).context["page_obj"]
    )[-1]
    everything = list(Agency.objects.order_by("-name", "pk").values_list("name", flat=True))
    assert names == everything[50:]
    assert last_of_first.name == everything[49]
    assert headers_of(page2.content.decode())["نام"][1] == "?sort=name"  # page dropped


def test_meeting_list_sorts(working_group, persona_client):
    now = timezone.now()
    first = meeting_create(body=working_group, starts_at=now + 10 * DAY, place="تالار 3")
    second = meeting_create(body=working_group, starts_at=now + 5 * DAY, place="تالار 1")
    third = meeting_create(body=working_group, starts_at=now + 20 * DAY, place="تالار 2")
    Meeting.objects.filter(pk=second.pk).update(state=MeetingState.CANCELLED)
    mine = {first.pk, second.pk, third.pk}
    client = persona_client("member")
    url = reverse("committees:meeting_list", args=[working_group.pk])

    def order(sort: str) -> list[Meeting]:
        response = client.get(url, {"sort": sort} if sort else {})
        assert response.status_code == 200
        return [m for m in response.context["page_obj"] if m.pk in mine]

    assert order("") == order("-date") == [third, first, second]  # newest first, as before
    assert order("date") == [second, first, third]
    # Drafts have no number until they are scheduled: their titles (and order) are dates.
    assert order("title") == [second, first, third]
    assert order("-title") == [third, first, second]
    assert order("place") == [second, third, first]
    assert order("-place") == [first, third, second]
    assert order("state") == [third, first, second]  # draft before cancelled
    assert order("-state") == [second, third, first]
    assert order("-password") == order("")
    default = headers_of(client.get(url).content.decode())
    assert default["تاریخ"] == ("descending", "?sort=date")
    assert default["جلسه"][0] == default["مکان"][0] == default["وضعیت"][0] == "none"
    assert headers_of(client.get(url, {"sort": "place"}).content.decode())["مکان"][0] == "ascending"


def _inbox_directives(working_group) -> list[Directive]:
    """Three directives to اداره کل آموزش و پرورش: deadlines in 30, 10 and 20 days and
    progress 10, 70 and 40, so that deadline, progress and creation orders all differ."""
    today = timezone.localdate()
    specs = [
        {
            "responsible": [education()],
            "text": f"سنجه {days}",
            "deadline": jdatetime.date.fromgregorian(date=today + days * DAY),
        }
        for days in (30, 10, 20)
    ]
    meeting = approved_with(working_group, *specs)
    directives = list(
        Directive.objects.filter(resolution__meeting=meeting).order_by("resolution__order")
    )
    for directive, progress in zip(directives, (10, 70, 40), strict=True):
        Directive.objects.filter(pk=directive.pk).update(progress=progress)
    return directives


def test_inbox_sorts(working_group, persona_client):
    late, soon, middle = _inbox_directives(working_group)
    mine = {late.pk, soon.pk, middle.pk}
    client = persona_client("itmanager")
    url = reverse("resolutions:inbox")

    def rows(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return response, [row.directive for row in response.context["rows"]]

    response, all_due = rows(sort="due")
    dues = [d.due_date for d in all_due]
    dated = [d for d in dues if d is not None]
    assert dated == sorted(dated) and dues[: len(dated)] == dated  # no deadline last
    assert [d for d in all_due if d.pk in mine] == [soon, middle, late]
    assert headers_of(response.content.decode())["مهلت"][0] == "ascending"
    response, all_due = rows(sort="-due")
    dated = [d.due_date for d in all_due if d.due_date is not None]
    assert dated == sorted(dated, reverse=True)
    assert [d for d in all_due if d.pk in mine] == [late, middle, soon]
    headers = headers_of(response.content.decode())
    assert headers["مهلت"][0] == "descending" and headers["پیشرفت"][0] == "none"

    response, by_progress = rows(sort="-progress")
    assert [d.progress for d in by_progress] == sorted(
        (d.progress for d in by_progress), reverse=True
    )
    assert [d for d in by_progress if d.pk in mine] == [soon, middle, late]
    _, by_progress = rows(sort="progress")
    assert [d for d in by_progress if d.pk in mine] == [late, middle, soon]

    _, by_state = rows(sort="state")
    ranks = [s for s, _label in DirectiveState.choices]
    assert [ranks.index(d.state) for d in by_state] == sorted(
        ranks.index(d.state) for d in by_state
    )
    assert len({d.state for d in by_state}) > 1


def test_inbox_filters_and_pages_keep_the_sort(working_group, persona_client):
    approved_with(working_group, *[{"responsible": [education()]}] * 26)
    client = persona_client("itmanager")
    response = client.get(reverse("resolutions:inbox"), {"sort": "-letter", "state": "issued"})
    html = response.content.decode()
    assert '<input type="hidden" name="sort" value="-letter">' in html
    assert 'href="?sort=-letter&amp;state=issued&amp;page=2"' in html
    assert 'data-testid="sort-reset"' in html
    letters = [
        (row.directive.issued_on, row.directive.sequence) for row in response.context["rows"]
    ]
    assert letters == sorted(letters, reverse=True)
    assert {row.directive.state for row in response.context["rows"]} == {"issued"}
    header = headers_of(html)["شماره نامه"]
    assert header == ("descending", "?sort=letter&state=issued")
    # Unsorted, the inbox keeps its own order and says so.
    assert (
        'data-testid="sort-reset"' not in client.get(reverse("resolutions:inbox")).content.decode()
    )


def _approved_on(body, day: datetime.datetime, *specs):
    meeting = in_review_meeting(body)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=day)
    for spec in specs:
        resolution_create(meeting=meeting, **{"kind": "assignment", "text": "تکلیف", **spec})
    return minutes_approve(meeting=meeting, user=user("chair"))


def test_register_sorts_by_meeting_and_by_status(working_group, persona_client):
    now = timezone.now()
    _approved_on(working_group, now - 60 * DAY, {"text": "سنجه کهنه", "responsible": [education()]})
    _approved_on(working_group, now - 5 * DAY, {"text": "سنجه تازه"}, {"text": "سنجه دوم تازه"})
    middle = _approved_on(
        working_group, now - 30 * DAY, {"text": "سنجه میانه", "responsible": [water()]}
    )
    past = jdatetime.date.fromgregorian(date=timezone.localdate() - 3 * DAY)
    Directive.objects.filter(resolution__meeting=middle).update(due_date=past)  # overdue
    client = persona_client("secretary")
    url = reverse("resolutions:register")

    def texts(sort: str = "") -> list[str]:
        response = client.get(url, {"q": "سنجه", "sort": sort})
        assert response.status_code == 200
        return [r.text for r in response.context["page_obj"]]

    newest = ["سنجه تازه", "سنجه دوم تازه", "سنجه میانه", "سنجه کهنه"]
    assert texts() == texts("-meeting") == newest
    assert texts("meeting") == ["سنجه کهنه", "سنجه میانه", "سنجه تازه", "سنجه دوم تازه"]
    # Most behind first: the overdue one, then the open one, then those without directives.
    assert texts("-status") == ["سنجه میانه", "سنجه کهنه", "سنجه تازه", "سنجه دوم تازه"]
    assert texts("status") == ["سنجه تازه", "سنجه دوم تازه", "سنجه کهنه", "سنجه میانه"]
    assert texts("-meeting__body__secretary") == newest

    html = client.get(url, {"q": "سنجه", "sort": "-status", "page": 1}).content.decode()
    headers = headers_of(html)
    assert headers["وضعیت ابلاغ‌ها"] == ("descending", "?q=سنجه&sort=status")
    assert headers["جلسه"] == ("none", "?q=سنجه&sort=meeting")
    assert '<input type="hidden" name="sort" value="-status">' in html
    assert 'href="/resolutions/?sort=-status"' in html  # «پاک کردن» keeps the order
    assert headers_of(client.get(url).content.decode())["جلسه"][0] == "descending"


def _chair_steering(steering) -> None:
    """The governor chairs the steering committee too, so that he may approve its minutes."""
    assign_perm("committees.chair_body", user("chair"), steering)


def _dashboard_directives(working_group, steering) -> None:
    approved_with(
        working_group,
        *[{"responsible": [education()], "text": f"سنجه {i}"} for i in range(4)],
        {"responsible": [water()]},
    )
    _chair_steering(steering)
    approved_with(steering, {"responsible": [water()]})


def test_dashboard_tables_sort_each_on_its_own(working_group, steering, persona_client):
    _dashboard_directives(working_group, steering)
    client = persona_client("admin")
    url = reverse("resolutions:dashboard")
    default = client.get(url).context["dashboard"]
    names = [row.name for row in default.agencies]
    assert names == [
        row.name for row in sorted(default.agencies, key=lambda r: names.index(r.name))
    ]

    response = client.get(url, {"agency_sort": "-total"})
    agencies = response.context["dashboard"].agencies
    totals = [row.total for row in agencies]
    assert totals == sorted(totals, reverse=True) and totals != [r.total for r in default.agencies]
    assert [row.key for row in response.context["dashboard"].bodies] == [
        row.key for row in default.bodies
    ]
    ascending = [
        row.total for row in client.get(url, {"agency_sort": "total"}).context["dashboard"].agencies
    ]
    assert ascending == sorted(ascending) and ascending != totals

    html = response.content.decode()
    agencies_table, bodies_table = html.split('id="bodies-title"')
    assert headers_of(agencies_table)["ابلاغ‌شده"] == ("descending", "?agency_sort=total")
    assert headers_of(bodies_table)["ابلاغ‌شده"] == ("none", "?agency_sort=-total&body_sort=-total")
    assert '<input type="hidden" name="agency_sort" value="-total">' in html
    # The export buttons carry the sorting to the background job.
    assert '<input type="hidden" name="query" value="agency_sort=-total">' in html

    bodies = client.get(url, {"body_sort": "-name", "agency_sort": "name"}).context["dashboard"]
    body_names = [row.name for row in bodies.bodies]
    assert body_names == sorted(body_names, key=persian_sort_key, reverse=True)
    assert len(body_names) > 1
    agency_names = [row.name for row in bodies.agencies]
    assert agency_names == sorted(agency_names, key=persian_sort_key)
    severity = [
        row.severity
        for row in client.get(url, {"agency_sort": "-rag"}).context["dashboard"].agencies
    ]
    assert severity == sorted(severity, reverse=True)


def test_dashboard_exports_follow_the_screen_order(working_group, steering, persona_client):
    import io

    from openpyxl import load_workbook

    _dashboard_directives(working_group, steering)
    client = persona_client("admin")
    params = {"agency_sort": "-total"}
    shown = client.get(reverse("resolutions:dashboard"), params).context["dashboard"].agencies
    workbook = client.get(reverse("resolutions:dashboard_xlsx"), params).content
    sheet = load_workbook(io.BytesIO(workbook)).worksheets[0]
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)][:-1]  # no total
    assert names == [row.name for row in shown]
    pdf = client.get(reverse("resolutions:dashboard_pdf"), params)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def _audit_events() -> list[AuditEvent]:
    actors = [user("secretary"), None, user("admin")]
    return [
        AuditEvent.objects.create(
            actor=actor,
            source=AuditSource.WEB,
            action=action,
            model="committees.Meeting",
            object_id="sorting",
            object_repr=f"رکورد {n}",
        )
        for actor, action, n in zip(
            actors,
            (AuditAction.DELETE, AuditAction.CREATE, AuditAction.UPDATE),
            (2, 3, 1),
            strict=True,
        )
    ]


def test_audit_list_sorts(persona_client):
    secretary_event, command_event, admin_event = _audit_events()
    client = persona_client("admin")
    url = reverse("audit:list")

    def events(sort: str = "") -> list[AuditEvent]:
        response = client.get(url, {"object_id": "sorting", "sort": sort})
        assert response.status_code == 200
        return [row["event"] for row in response.context["rows"]]

    assert events() == events("-at") == [admin_event, command_event, secretary_event]
    assert events("at") == [secretary_event, command_event, admin_event]
    assert events("record") == [admin_event, secretary_event, command_event]
    assert events("-record") == [command_event, secretary_event, admin_event]
    assert events("actor") == [admin_event, secretary_event, command_event]  # nobody last
    assert events("-actor") == [secretary_event, admin_event, command_event]
    assert events("action") == [command_event, admin_event, secretary_event]
    assert events("-actor__password") == events()
    html = client.get(url, {"object_id": "sorting", "sort": "-record"}).content.decode()
    headers = headers_of(html)
    assert headers["رکورد"] == ("descending", "?object_id=sorting&sort=record")
    assert headers["زمان"][0] == "none"
    assert '<input type="hidden" name="sort" value="-record">' in html


def _quiet_others() -> None:
    Directive.objects.update(state=DirectiveState.VERIFIED)


def _overdue(body, *, days: int, agency) -> Directive:
    meeting = approved_with(body, {"responsible": [agency]})
    directive = Directive.objects.get(resolution__meeting=meeting)
    past = jdatetime.date.fromgregorian(date=timezone.localdate() - days * DAY)
    Directive.objects.filter(pk=directive.pk).update(due_date=past, progress=days)
    return directive


def test_overdue_list_sorts(working_group, persona_client):
    _quiet_others()
    governorate = Agency.objects.get(name="استانداری گیلان")
    three = _overdue(working_group, days=3, agency=education())
    seventeen = _overdue(working_group, days=17, agency=water())
    eight = _overdue(working_group, days=8, agency=governorate)
    Directive.objects.filter(pk=eight.pk).update(state=DirectiveState.ACKNOWLEDGED)
    client = persona_client("secretary")
    url = reverse("resolutions:overdue_list", args=[working_group.pk])

    def rows(sort: str = "") -> list[Directive]:
        response = client.get(url, {"sort": sort} if sort else {})
        assert response.status_code == 200
        return [row.directive for row in response.context["rows"]]

    assert rows() == rows("-days") == rows("due") == [seventeen, eight, three]
    assert rows("days") == rows("-due") == [three, eight, seventeen]
    by_name = list(
        Directive.objects.filter(pk__in=[three.pk, seventeen.pk, eight.pk]).order_by("agency__name")
    )
    assert rows("agency") == by_name and rows("-agency") == by_name[::-1]
    assert rows("letter") == [three, seventeen, eight]  # issued in that order
    assert rows("-letter") == [eight, seventeen, three]
    assert rows("state") == [seventeen, three, eight]  # issued (most overdue first), acknowledged
    assert rows("-state")[0] == eight
    assert rows("-agency__password") == rows()
    headers = headers_of(client.get(url).content.decode())
    assert headers["دیرکرد"] == ("descending", "?sort=days")
    assert headers["مهلت"] == ("none", "?sort=due")
    assert (
        headers_of(client.get(url, {"sort": "agency"}).content.decode())["دستگاه"][0] == "ascending"
    )


def _refer(upper, lower_bodies, texts) -> list[Referral]:
    meeting = approved_with(
        upper,
        *(
            {"kind": "referral", "refer_to": lower, "text": text}
            for lower, text in zip(lower_bodies, texts, strict=True)
        ),
    )
    return list(Referral.objects.filter(resolution__meeting=meeting).order_by("resolution__order"))


def test_referral_queue_sorts_within_each_state(working_group, steering, persona_client):
    first, second, third = _refer(working_group, [steering] * 3, ["الف", "ب", "ج"])
    now = timezone.now()
    for referral, days in ((first, 2), (second, 9), (third, 5)):
        Referral.objects.filter(pk=referral.pk).update(created_at=now - days * DAY)
    referral_place(referral=third, meeting=scheduled_meeting(steering), user=user("secretary"))
    client = persona_client("secretary")
    url = reverse("resolutions:referral_queue", args=[steering.pk])

    def groups(sort: str = "") -> dict[str, list[Referral]]:
        response = client.get(url, {"sort": sort} if sort else {})
        assert response.status_code == 200
        return {state: referrals for state, _label, referrals in response.context["groups"]}

    assert groups()["waiting"] == groups("-date")["waiting"] == [first, second]
    assert groups("date")["waiting"] == [second, first]
    assert groups("resolution")["waiting"] == [first, second]
    assert groups("-resolution")["waiting"] == [second, first]
    assert groups("date")["on_agenda"] == [third]
    html = client.get(url, {"sort": "date"}).content.decode()
    assert headers_of(html)["تاریخ ارجاع"] == ("ascending", "?sort=-date")
    assert html.count('aria-sort="ascending"') == 2  # one header in each table shown


def test_referrals_sent_sorts(steering, persona_client):
    subcommittees = list(
        Body.objects.filter(parent=steering, kind=BodyKind.SUBCOMMITTEE).order_by("order", "pk")
    )
    low, high = subcommittees[0], subcommittees[-1]
    _chair_steering(steering)
    first, second, third = _refer(steering, [high, low, high], ["الف", "ب", "ج"])
    Referral.objects.filter(pk=first.pk).update(state=ReferralState.ON_AGENDA)
    client = persona_client("secretary")
    url = reverse("resolutions:referrals_sent", args=[steering.pk])

    def rows(sort: str = "") -> list[Referral]:
        response = client.get(url, {"sort": sort} if sort else {})
        assert response.status_code == 200
        return list(response.context["referrals"])

    assert rows() == rows("-password") == [third, second, first]  # newest first
    assert rows("to_body") == [second, third, first]
    assert rows("-to_body") == [third, first, second]
    assert rows("resolution") == [first, second, third]
    assert rows("-resolution") == [third, second, first]
    assert Referral.objects.get(pk=first.pk).state == ReferralState.ON_AGENDA
    assert rows("state") == [third, second, first]  # waiting first
    assert rows("-state") == [first, third, second]
    headers = headers_of(client.get(url, {"sort": "-to_body"}).content.decode())
    assert headers["رکن مقصد"] == ("descending", "?sort=to_body")
    assert headers["وضعیت"] == ("none", "?sort=state")


# --- query budgets: sorting adds no query --------------------------------------------------------


def _cold_caches() -> None:
    """Empty Django's content-type and guardian's caches (as conftest's
    ``django_assert_num_queries`` does when it is set up)."""
    from django.contrib.contenttypes.models import ContentType
    from guardian.shortcuts import clear_ct_cache

    ContentType.objects.clear_cache()
    clear_ct_cache()


@pytest.mark.parametrize("sort", ["kind", "-status", "-name"])
def test_agency_list_sorted_query_budget(client, django_assert_num_queries, sort):
    for n in range(60):
        Agency.objects.create(name=f"دستگاه افزوده {n}")
    with django_assert_num_queries(3):
        assert (
            client.get(reverse("members:agency_list"), {"sort": sort, "page": 2}).status_code == 200
        )


@pytest.mark.parametrize("sort", ["-state", "place"])
def test_meeting_list_sorted_query_budget(
    persona_client, working_group, django_assert_num_queries, sort
):
    for _ in range(26):
        meeting_create(body=working_group, starts_at=timezone.now(), place="x")
    client = persona_client("member")
    url = reverse("committees:meeting_list", args=[working_group.pk])
    with django_assert_num_queries(14):
        assert client.get(url, {"sort": sort}).status_code == 200


@pytest.mark.parametrize("sort", ["-due", "state", "resolution"])
def test_inbox_sorted_query_budget(working_group, persona_client, django_assert_num_queries, sort):
    approved_with(working_group, *[{"responsible": [education()]}] * 30)
    client = persona_client("itmanager")
    with django_assert_num_queries(INBOX_QUERIES):
        assert client.get(reverse("resolutions:inbox"), {"sort": sort}).status_code == 200


@pytest.mark.parametrize(
    ("params", "queries"), [({"sort": "-status"}, 12), ({"q": "مصوبه", "sort": "meeting"}, 13)]
)
def test_register_sorted_query_budget(
    working_group, persona_client, django_assert_num_queries, params, queries
):
    approved_with(
        working_group,
        *[{"responsible": [education(), water()], "text": f"مصوبه {i}"} for i in range(30)],
    )
    client = persona_client("secretary")
    with django_assert_num_queries(queries):
        assert client.get(reverse("resolutions:register"), params).status_code == 200


@pytest.mark.parametrize(("persona", "queries"), [("secretary", 21), ("admin", 8)])
def test_dashboard_sorted_query_budget(
    working_group, persona_client, django_assert_num_queries, persona, queries
):
    approved_with(
        working_group,
        *[{"responsible": [education(), water()], "text": f"تکلیف {i}"} for i in range(12)],
    )
    client = persona_client(persona)
    with django_assert_num_queries(queries):
        response = client.get(
            reverse("resolutions:dashboard"), {"agency_sort": "-overdue", "body_sort": "on_time"}
        )
        assert response.status_code == 200


@pytest.mark.parametrize(("persona", "queries"), [("admin", 6), ("secretary", 9)])
def test_audit_sorted_query_budget(
    working_group, persona_client, django_assert_num_queries, persona, queries
):
    for index in range(60):
        AuditEvent.objects.create(
            actor=user("secretary"),
            source=AuditSource.WEB,
            action=AuditAction.TRANSITION,
            model="committees.Meeting",
            object_id="budget",
            object_repr=f"جلسه {index}",
            body_id=working_group.pk,
        )
    client = persona_client(persona)
    with django_assert_num_queries(queries):
        response = client.get(reverse("audit:list"), {"object_id": "budget", "sort": "-actor"})
    assert len(response.context["rows"]) == 50


def test_overdue_list_sorted_query_budget(working_group, persona_client, django_assert_num_queries):
    _quiet_others()
    agencies = [
        education(),
        water(),
        *Agency.objects.exclude(pk__in=[education().pk, water().pk])[:6],
    ]
    for index, agency in enumerate(agencies):
        _overdue(working_group, days=index + 8, agency=agency)
    reminders_send()
    client = persona_client("secretary")
    url = reverse("resolutions:overdue_list", args=[working_group.pk])
    with django_assert_num_queries(25):
        assert client.get(url, {"sort": "-agency"}).status_code == 200


def _queries(client, url: str, params: dict) -> int:
    """The queries of one request, counted from cold per-process caches."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _cold_caches()
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, params).status_code == 200
    return len(context)


@pytest.mark.parametrize(
    ("name", "args", "persona", "params"),
    [
        ("members:agency_list", [], "anonymous", {"sort": "-kind", "q": "اداره"}),
        ("committees:meeting_list", ["wg"], "member", {"sort": "state"}),
        ("resolutions:inbox", [], "itmanager", {"sort": "-resolution"}),
        ("resolutions:inbox", [], "secretary", {"sort": "agency", "state": "issued"}),
        ("resolutions:register", [], "secretary", {"sort": "-status"}),
        ("resolutions:register", [], "governor_office", {"sort": "meeting", "q": "دولت"}),
        ("resolutions:dashboard", [], "secretary", {"agency_sort": "-rag", "body_sort": "name"}),
        ("resolutions:dashboard", [], "governor_office", {"agency_sort": "on_time"}),
        ("audit:list", [], "admin", {"sort": "actor"}),
        ("audit:list", [], "secretary", {"sort": "-record"}),
        ("resolutions:overdue_list", ["wg"], "secretary", {"sort": "-agency"}),
        ("resolutions:referral_queue", ["wg"], "secretary", {"sort": "resolution"}),
        ("resolutions:referrals_sent", ["wg"], "secretary", {"sort": "-to_body"}),
    ],
)
def test_sorting_never_adds_a_query(working_group, persona_client, name, args, persona, params):
    """Every sortable page, sorted, costs what it costs unsorted (on the demo data)."""
    url = reverse(name, args=[working_group.pk if a == "wg" else a for a in args])
    client = persona_client(persona)
    unsorted = {k: v for k, v in params.items() if not k.endswith("sort")}
    _queries(client, url, unsorted)  # the session and the language settle on the first request
    assert _queries(client, url, params) == _queries(client, url, unsorted)


def test_names_sort_in_persian_dictionary_order_in_the_database_and_in_memory(db):
    """Unicode puts پ چ ژ ک گ ی after و and ه; the portal sorts as a Persian dictionary."""
    from egov_portal.text.collation import persian_order
    from members.models import Agency

    names = ["گمرک استان", "پژوهشگاه استان", "وزارت نیرو استان", "کمیسیون استان", "بنیاد استان"]
    for name in names:
        Agency.objects.create(name=name)
    expected = ["بنیاد استان", "پژوهشگاه استان", "کمیسیون استان", "گمرک استان", "وزارت نیرو استان"]
    in_db = list(
        Agency.objects.filter(name__in=names)
        .order_by(persian_order("name"))
        .values_list("name", flat=True)
    )
    assert in_db == expected
    assert list(Agency.objects.filter(name__in=names).values_list("name", flat=True)) == expected
    assert sorted(names, key=persian_sort_key) == expected
    descending = Agency.objects.filter(name__in=names).order_by(persian_order("name").desc())
    assert list(descending.values_list("name", flat=True)) == expected[::-1]
