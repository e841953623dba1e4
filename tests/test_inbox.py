"""The directive inbox, the directive page and its actions, evidence downloads."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from egov_portal.text.persian import to_persian_digits
from resolutions.models import Directive, DirectiveEvent, DirectiveState, Evidence, ProgressReport
from resolutions.services import directives as follow
from resolutions.services.minutes import minutes_approve
from resolutions.services.resolutions import resolution_create
from tests.conftest import stored_files
from tests.directive_helpers import approved_with, education, water
from tests.meeting_helpers import in_review_meeting, user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
HTML_AS_PDF = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
BAD_TYPE = "نوع پرونده مجاز نیست؛ فقط PDF، اسناد Office و تصویر."


def new_directive(body, agency=None, **spec) -> Directive:
    meeting = approved_with(body, {"responsible": [agency or education()], **spec})
    return Directive.objects.get(resolution__meeting=meeting)


def acknowledged(directive: Directive) -> Directive:
    return follow.directive_acknowledge(directive=directive, user=user("itmanager"))


def pdf(name: str = "گزارش اجرا.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def url(name: str, directive) -> str:
    return reverse(f"resolutions:{name}", kwargs={"pk": directive.pk})


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def snapshot(directive: Directive) -> tuple:
    directive.refresh_from_db()
    return (
        directive.state,
        directive.progress,
        directive.acknowledged_at,
        directive.events.count(),
        directive.reports.count(),
    )


# --- the inbox ------------------------------------------------------------------------------


def test_inbox_shows_an_it_manager_only_his_agencys_directives(working_group, persona_client):
    mine = new_directive(working_group, education())
    theirs = new_directive(working_group, water())
    page = persona_client("itmanager").get(reverse("resolutions:inbox")).content.decode()
    assert url("directive_detail", mine) in page
    assert url("directive_detail", theirs) not in page
    assert "شرکت آب و فاضلاب" not in page
    other = persona_client("itmanager2").get(reverse("resolutions:inbox")).content.decode()
    assert url("directive_detail", theirs) in other
    assert url("directive_detail", mine) not in other


def test_inbox_agency_filter_offers_only_visible_agencies(working_group, persona_client):
    response = persona_client("itmanager").get(reverse("resolutions:inbox"))
    agencies = list(response.context["form"].fields["agency"].queryset)
    assert agencies == [education()]
    everyone = persona_client("governor_office").get(reverse("resolutions:inbox"))
    assert water() in everyone.context["form"].fields["agency"].queryset


def test_inbox_refuses_an_agency_the_user_does_not_see(persona_client):
    response = persona_client("itmanager").get(reverse("resolutions:inbox"), {"agency": water().pk})
    assert response.status_code == 200
    assert all(row.directive.agency == education() for row in response.context["rows"])
    assert response.context["form"].errors["agency"]


def test_inbox_lists_unacknowledged_first_then_open_by_due_date_then_closed(
    working_group, persona_client
):
    rows = persona_client("itmanager").get(reverse("resolutions:inbox")).context["rows"]
    directives = [r.directive for r in rows]
    buckets = [0 if d.state == "issued" else 1 if d.is_open else 2 for d in directives]
    assert buckets == sorted(buckets) and buckets[0] == 0 and buckets[-1] == 2
    open_dues = [d.due_date for d, b in zip(directives, buckets, strict=True) if b == 1]
    dated = [due for due in open_dues if due is not None]
    assert dated == sorted(dated)
    assert open_dues == dated + [None] * (len(open_dues) - len(dated))


def test_inbox_filters_by_state_and_overdue(working_group, persona_client):
    late = new_directive(working_group, education(), deadline_working_days=10)
    Directive.objects.filter(pk=late.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    client = persona_client("itmanager")
    overdue = client.get(reverse("resolutions:inbox"), {"overdue": "on"}).context["rows"]
    assert late.pk in {r.directive.pk for r in overdue}
    assert all(r.overdue and r.directive.is_open for r in overdue)
    verified = client.get(reverse("resolutions:inbox"), {"state": "verified"}).context["rows"]
    assert verified and all(r.directive.state == "verified" for r in verified)


def test_inbox_marks_overdue_with_a_red_badge(working_group, persona_client):
    late = new_directive(working_group, education(), deadline_working_days=10)
    on_time = new_directive(working_group, education(), deadline_working_days=10)
    Directive.objects.filter(pk=late.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    page = persona_client("itmanager").get(reverse("resolutions:inbox")).content.decode()
    row_of = {
        int(m.group(1)): m.group(0)
        for m in re.finditer(r'<tr [^>]*>\s*<td><a href="/directives/(\d+)/".*?</tr>', page, re.S)
    }
    assert 'data-testid="overdue"' in row_of[late.pk] and "دیرکرد" in row_of[late.pk]
    assert 'data-testid="overdue"' not in row_of[on_time.pk]
    assert "۱۰ روز کاری پس از ابلاغ" in row_of[on_time.pk]
    detail = persona_client("itmanager").get(url("directive_detail", late)).content.decode()
    assert "دیرکرد" in detail


def test_inbox_progress_bar_uses_classes_not_styles(working_group, persona_client):
    directive = acknowledged(new_directive(working_group))
    follow.progress_report_add(
        directive=directive, user=user("itmanager"), percent=57, narrative="پیش رفت"
    )
    page = persona_client("itmanager").get(reverse("resolutions:inbox")).content.decode()
    assert "w-progress-50" in page and "۵۷٪" in page
    assert "style=" not in page
    assert "<script>" not in page


def test_inbox_needs_sign_in(client):
    response = client.get(reverse("resolutions:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_inbox_explains_itself_to_a_user_without_directives(persona_client):
    response = persona_client("member").get(reverse("resolutions:inbox"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="inbox-empty"' in page
    assert "مدیر فناوری اطلاعات" in page


def test_inbox_paginates_keeping_the_filters(working_group, persona_client):
    approved_with(working_group, *[{"responsible": [education()]}] * 26)
    response = persona_client("itmanager").get(reverse("resolutions:inbox"), {"state": "issued"})
    assert len(response.context["rows"]) == 25
    assert "state=issued&amp;page=2" in response.content.decode()


# --- who may see and act ----------------------------------------------------------------------


def test_other_agencys_manager_gets_404_everywhere_and_nothing_changes(
    working_group, persona_client
):
    directive = acknowledged(new_directive(working_group))
    report = follow.progress_report_add(
        directive=directive, user=user("itmanager"), percent=40, narrative="کار", files=[pdf()]
    )
    fresh = new_directive(working_group)
    before = snapshot(directive), snapshot(fresh)
    client = persona_client("itmanager2")
    assert client.get(url("directive_detail", directive)).status_code == 404
    assert client.post(url("directive_acknowledge", fresh)).status_code == 404
    post = {"percent": "100", "narrative": "تمام", "final": "on"}
    assert client.post(url("directive_report", directive), post).status_code == 404
    evidence = report.evidence.get()
    assert client.get(url("evidence_download", evidence)).status_code == 404
    assert (snapshot(directive), snapshot(fresh)) == before


def test_governor_office_reads_but_may_not_act(working_group, persona_client):
    directive = acknowledged(new_directive(working_group))
    follow.progress_report_add(
        directive=directive, user=user("itmanager"), percent=100, narrative="تمام", final=True
    )
    before = snapshot(directive)
    client = persona_client("governor_office")
    page = client.get(url("directive_detail", directive))
    assert page.status_code == 200
    assert 'data-testid="secretariat-actions"' not in page.content.decode()
    for name, data in [
        ("directive_acknowledge", {}),
        ("directive_report", {"percent": "100", "narrative": "x", "final": "on"}),
        ("directive_verify", {}),
        ("directive_return", {"comment": "ناقص"}),
        ("directive_cancel", {"reason": "لغو"}),
    ]:
        assert client.post(url(name, directive), data).status_code == 403, name
    assert snapshot(directive) == before


# --- acknowledging and reporting --------------------------------------------------------------


def test_double_posted_acknowledge_makes_one_event(working_group, persona_client):
    directive = new_directive(working_group)
    client = persona_client("itmanager")
    first = client.post(url("directive_acknowledge", directive))
    second = client.post(url("directive_acknowledge", directive))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == url("directive_detail", directive)
    events = DirectiveEvent.objects.filter(directive=directive, state=DirectiveState.ACKNOWLEDGED)
    assert events.count() == 1
    directive.refresh_from_db()
    assert directive.state == DirectiveState.ACKNOWLEDGED
    assert directive.acknowledged_by == user("itmanager")


def test_progress_report_with_pdf_evidence_is_stored_and_the_secretary_downloads_it(
    working_group, persona_client, media_root
):
    directive = acknowledged(new_directive(working_group))
    response = persona_client("itmanager").post(
        url("directive_report", directive),
        {"percent": "60", "narrative": "سامانه راه‌اندازی شد.", "evidence": [pdf(), pdf("دوم.pdf")]},
    )
    assert response.status_code == 302
    assert "گزارش پیشرفت ثبت شد." in messages_of(response)
    report = ProgressReport.objects.get(directive=directive)
    assert (report.percent, report.is_final) == (60, False)
    assert report.evidence.count() == 2
    # The evidence, beside the approved minutes' archived PDF (minutes/).
    assert len([p for p in stored_files(media_root) if "minutes" not in p.parts]) == 2
    evidence = report.evidence.order_by("pk").first()
    assert Path(evidence.file.path).is_relative_to(media_root)
    directive.refresh_from_db()
    assert (directive.state, directive.progress) == (DirectiveState.IN_PROGRESS, 60)

    detail = persona_client("secretary").get(url("directive_detail", directive)).content.decode()
    assert url("evidence_download", evidence) in detail
    download = persona_client("secretary").get(url("evidence_download", evidence))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == MINIMAL_PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_bad_evidence_is_refused_and_no_report_is_created(
    working_group, persona_client, media_root
):
    directive = acknowledged(new_directive(working_group))
    before = snapshot(directive)
    fake = SimpleUploadedFile("گزارش.pdf", HTML_AS_PDF, content_type="application/pdf")
    response = persona_client("itmanager").post(
        url("directive_report", directive),
        {"percent": "50", "narrative": "گزارش", "evidence": [pdf(), fake]},
    )
    # The page comes back with the report as typed; nothing is stored as evidence, and the
    # good file is only held for the form (see test_refused_report_keeps_text_and_files).
    assert response.status_code == 200
    assert BAD_TYPE in response.content.decode()
    assert snapshot(directive) == before
    assert not ProgressReport.objects.filter(directive=directive).exists()
    stored = [p for p in stored_files(media_root) if not {"held", "minutes"} & set(p.parts)]
    assert stored == []


def test_the_final_box_sets_100_percent(working_group, persona_client):
    """Ticking «گزارش انجام» with the percentage at 50 files a complete report (100 %)
    instead of refusing it and wiping the narrative."""
    directive = acknowledged(new_directive(working_group))
    response = persona_client("itmanager").post(
        url("directive_report", directive), {"percent": "50", "narrative": "تمام", "final": "on"}
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get(directive=directive)
    assert (report.percent, report.is_final, report.narrative) == (100, True, "تمام")
    directive.refresh_from_db()
    assert (directive.state, directive.progress) == (DirectiveState.REPORTED_DONE, 100)


def test_the_final_box_is_tied_to_the_percentage_in_the_page(working_group, persona_client):
    directive = acknowledged(new_directive(working_group))
    page = persona_client("itmanager").get(url("directive_detail", directive)).content.decode()
    assert 'data-sets-percent="100"' in page and "js/report-form" in page


def test_refused_report_keeps_text_and_files(working_group, persona_client, media_root):
    """A refused report (here: no narrative) comes back with what was typed, and its good
    files are kept on the server for the form: the next submission needs only the
    narrative, and the held file becomes the evidence."""
    directive = acknowledged(new_directive(working_group))
    client = persona_client("itmanager")
    refused = client.post(
        url("directive_report", directive),
        {"percent": "40", "narrative": "", "evidence": [pdf("گزارش کارگاه.pdf")]},
    )
    html = refused.content.decode()
    assert refused.status_code == 200
    assert 'value="40"' in html
    assert "پرونده نگه داشته شد" in html and "گزارش کارگاه.pdf" in html
    assert not ProgressReport.objects.filter(directive=directive).exists()
    held_id = refused.context["held_files"][0].id
    accepted = client.post(
        url("directive_report", directive),
        {"percent": "40", "narrative": "کارگاه برگزار شد.", "held_keep": [held_id]},
    )
    assert accepted.status_code == 302
    report = ProgressReport.objects.get(directive=directive)
    assert [e.original_name for e in report.evidence.all()] == ["گزارش کارگاه.pdf"]
    assert [p for p in stored_files(media_root) if "held" in p.parts] == []


def test_a_held_file_can_be_removed(working_group, persona_client, media_root):
    directive = acknowledged(new_directive(working_group))
    client = persona_client("itmanager")
    refused = client.post(
        url("directive_report", directive),
        {"percent": "40", "narrative": "", "evidence": [pdf()]},
    )
    held_id = refused.context["held_files"][0].id
    accepted = client.post(
        url("directive_report", directive),
        {
            "percent": "40",
            "narrative": "بی پیوست",
            "held_keep": [held_id],
            "held_remove": [held_id],
        },
    )
    assert accepted.status_code == 302
    assert not ProgressReport.objects.get(directive=directive).evidence.exists()
    assert [p for p in stored_files(media_root) if "held" in p.parts] == []


def test_another_users_held_file_cannot_be_named(working_group, persona_client, media_root):
    directive = acknowledged(new_directive(working_group))
    refused = persona_client("itmanager").post(
        url("directive_report", directive),
        {"percent": "40", "narrative": "", "evidence": [pdf()]},
    )
    held_id = refused.context["held_files"][0].id
    other = persona_client("itmanager")  # a new session of the same manager
    other.post(
        url("directive_report", directive),
        {"percent": "40", "narrative": "بدون پرونده دیگران", "held_keep": [held_id]},
    )
    assert not ProgressReport.objects.get(directive=directive).evidence.exists()


def test_report_before_acknowledging_is_refused(working_group, persona_client):
    directive = new_directive(working_group)
    response = persona_client("itmanager").post(
        url("directive_report", directive), {"percent": "10", "narrative": "آغاز"}
    )
    assert "نخست رسید ابلاغ را اعلام کنید." in response.content.decode()
    assert not directive.reports.exists()


# --- the secretariat --------------------------------------------------------------------------


def _reported_done(working_group) -> Directive:
    directive = acknowledged(new_directive(working_group))
    follow.progress_report_add(
        directive=directive, user=user("itmanager"), percent=100, narrative="تمام", final=True
    )
    return directive


def test_final_report_through_the_page_then_secretary_verifies(working_group, persona_client):
    directive = acknowledged(new_directive(working_group))
    response = persona_client("itmanager").post(
        url("directive_report", directive),
        {"percent": "100", "narrative": "همه انجام شد.", "final": "on"},
    )
    assert "گزارش انجام ثبت شد و برای تأیید به دبیرخانه رفت." in messages_of(response)
    directive.refresh_from_db()
    assert directive.state == DirectiveState.REPORTED_DONE
    page = persona_client("secretary").get(url("directive_detail", directive)).content.decode()
    assert 'data-testid="verify-confirm"' in page and "<details" in page
    response = persona_client("secretary").post(url("directive_verify", directive))
    assert response.status_code == 302
    assert "انجام ابلاغ تأیید شد." in messages_of(response)
    directive.refresh_from_db()
    assert directive.state == DirectiveState.VERIFIED
    assert directive.verified_by == user("secretary")


def test_secretary_returns_with_a_comment(working_group, persona_client):
    directive = _reported_done(working_group)
    client = persona_client("secretary")
    before = snapshot(directive)
    refused = client.post(url("directive_return", directive), {"comment": ""})
    assert refused.status_code == 200 and "<details open" in refused.content.decode()
    assert snapshot(directive) == before
    client.post(url("directive_return", directive), {"comment": "صورت‌حساب پیوست نشده است."})
    directive.refresh_from_db()
    assert directive.state == DirectiveState.RETURNED
    page = persona_client("itmanager").get(url("directive_detail", directive)).content.decode()
    assert "صورت‌حساب پیوست نشده است." in page
    assert 'data-testid="report-form"' in page


def test_verifying_an_unfinished_directive_is_refused(working_group, persona_client):
    directive = acknowledged(new_directive(working_group))
    before = snapshot(directive)
    response = persona_client("secretary").post(url("directive_verify", directive))
    assert response.status_code == 302
    assert any("ممکن نیست" in m for m in messages_of(response))
    assert snapshot(directive) == before


def test_secretary_cancels_with_a_reason(working_group, persona_client):
    directive = new_directive(working_group)
    client = persona_client("secretary")
    client.post(url("directive_cancel", directive), {"reason": ""})
    directive.refresh_from_db()
    assert directive.state == DirectiveState.ISSUED
    response = client.post(url("directive_cancel", directive), {"reason": "موضوع منتفی شد."})
    assert "ابلاغ لغو شد." in messages_of(response)
    directive.refresh_from_db()
    assert directive.state == DirectiveState.CANCELLED
    assert directive.events.filter(state="cancelled", note="موضوع منتفی شد.").exists()


def test_it_manager_may_not_verify_his_own_report(working_group, persona_client):
    directive = _reported_done(working_group)
    for name in ("directive_verify", "directive_return", "directive_cancel"):
        assert persona_client("itmanager").post(url(name, directive)).status_code == 403


# --- the page ---------------------------------------------------------------------------------


def test_detail_shows_the_letter_text_history_and_rule(working_group, persona_client):
    directive = new_directive(
        working_group,
        text="درگاه خدمات الکترونیک دستگاه راه‌اندازی شود.",
        deadline_working_days=10,
        priority="urgent",
        classification="confidential",
    )
    page = persona_client("itmanager").get(url("directive_detail", directive)).content.decode()
    for expected in (
        to_persian_digits(directive.letter_number),
        "درگاه خدمات الکترونیک دستگاه راه‌اندازی شود.",
        "۱۰ روز کاری پس از ابلاغ",
        "فوری",
        "محرمانه",
        "اداره کل آموزش و پرورش",
        'data-testid="acknowledge"',
        "ابلاغ‌شده",
    ):
        assert expected in page
    assert "style=" not in page


def _chain(page: str) -> str:
    return page.split('data-testid="directive-chain"', 1)[1].split("</ol>", 1)[0]


def test_chain_links_resolve_up_to_article_6(working_group, persona_client):
    directive = new_directive(working_group)
    client = persona_client("secretary")
    page = client.get(url("directive_detail", directive)).content.decode()
    chain = _chain(page)
    links = re.findall(r'href="([^"]+)"', chain)
    meeting = directive.resolution.meeting
    assert links == [
        reverse("committees:meeting_detail", kwargs={"pk": meeting.pk}),
        reverse("committees:meeting_detail", kwargs={"pk": meeting.pk}),
        reverse("committees:body_detail", kwargs={"pk": working_group.pk}),
    ]
    # The working group stands directly on Article 6, shown as text with its letter.
    assert "ضوابط فنی و اجرایی توسعه دولت الکترونیک — ماده ۶" in chain
    assert "۱۴۵/۲۰۰" in chain and "۱۳۹۲/۱۲/۲۰" in chain
    for link in links:
        assert client.get(link).status_code == 200, link


def test_chain_links_a_founding_resolution_to_its_meeting(steering, persona_client):
    # The steering committee stands on the working group's resolution «الف» (a meeting of
    # the portal), which stands on Article 6. The administrator approves its minutes.
    meeting = in_review_meeting(steering)
    resolution_create(meeting=meeting, kind="assignment", text="تکلیف", responsible=[education()])
    minutes_approve(meeting=meeting, user=user("admin"))
    directive = Directive.objects.get(resolution__meeting=meeting)
    client = persona_client("secretary")
    chain = _chain(client.get(url("directive_detail", directive)).content.decode())
    founding = reverse("committees:meeting_detail", kwargs={"pk": steering.legal_basis.meeting_id})
    assert f'href="{founding}"' in chain
    assert chain.index("مصوبه «الف» صورتجلسه") < chain.index("ماده ۶")
    for link in re.findall(r'href="([^"]+)"', chain):
        assert client.get(link).status_code == 200, link


def test_missing_evidence_is_404(persona_client):
    missing = Evidence.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = persona_client("secretary").get(
        reverse("resolutions:evidence_download", kwargs={"pk": missing + 1})
    )
    assert response.status_code == 404


# --- query budgets ----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 30])
def test_inbox_query_budget(working_group, persona_client, django_assert_num_queries, count):
    approved_with(working_group, *[{"responsible": [education()]}] * count)
    client = persona_client("itmanager")
    with django_assert_num_queries(INBOX_QUERIES):
        response = client.get(reverse("resolutions:inbox"))
    assert len(response.context["rows"]) == min(25, response.context["page_obj"].paginator.count)


@pytest.mark.parametrize("count", [1, 10])
def test_detail_query_budget(working_group, persona_client, django_assert_num_queries, count):
    directive = acknowledged(new_directive(working_group))
    for n in range(count):
        follow.progress_report_add(
            directive=directive,
            user=user("itmanager"),
            percent=n * 10,
            narrative=f"گزارش {n}",
            files=[pdf()],
        )
    client = persona_client("secretary")
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(url("directive_detail", directive))
    assert len(response.context["reports"]) == count


INBOX_QUERIES = 22  # with one for the directive scope (cold) and one for the page's rows (two-step)
DETAIL_QUERIES = 23


@pytest.mark.django_db
def test_two_step_pages_hold_the_rows_of_one_query_in_its_order(working_group):
    """The inbox chooses a page on ids and sort keys, then reads its rows in full: every
    page has exactly the rows, the order and the annotations the single query gives."""
    from django.core.paginator import Paginator

    from egov_portal.pagination import TwoStepPaginator
    from resolutions.views.directives import inbox_order

    approved_with(working_group, *[{"responsible": [education(), water()]}] * 9)
    directives = inbox_order(Directive.objects.all(), today=timezone.localdate())
    one, two = Paginator(directives, 7), TwoStepPaginator(directives, 7)
    assert one.count == two.count >= 18
    for number in one.page_range:
        expected = [(d.pk, d.overdue, d.agency.name) for d in one.page(number)]
        assert [(d.pk, d.overdue, d.agency.name) for d in two.page(number)] == expected
