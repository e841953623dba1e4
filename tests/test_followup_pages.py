"""The follow-up pages as IT managers and the secretariat read them: what a directive asks in
the inbox, the directive page in reading order, its letter, its chain, and names in Persian
dictionary order."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from members.models import Agency
from resolutions.models import AgencyRole, Directive
from resolutions.services import directives as follow
from tests.directive_helpers import approved_with, education, water
from tests.meeting_helpers import user

pytestmark = pytest.mark.django_db

ASK = "سامانه پیشخوان خدمات را تا پایان سال راه‌اندازی کنید"


def _directive(body, **spec) -> Directive:
    meeting = approved_with(
        body, {"responsible": [education()], "text": f"{ASK}\nجزئیات در پیوست است.", **spec}
    )
    return Directive.objects.get(resolution__meeting=meeting, agency=education())


def _page(client, directive) -> str:
    response = client.get(reverse("resolutions:directive_detail", args=[directive.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_inbox_rows_say_what_is_asked_and_label_the_classification(working_group, persona_client):
    _directive(working_group)
    html = persona_client("itmanager").get(reverse("resolutions:inbox")).content.decode()
    assert f'data-testid="inbox-ask">{ASK}</div>' in html
    assert "جزئیات در پیوست" not in html  # the first line only
    assert "طبقه‌بندی: عادی" in html and "فوریت: عادی" in html


def test_directive_page_reads_text_then_return_reason_then_history_then_actions(
    working_group, persona_client
):
    directive = _directive(working_group)
    follow.directive_acknowledge(directive=directive, user=user("itmanager"))
    follow.progress_report_add(
        directive=directive, user=user("itmanager"), percent=100, narrative="تمام", final=True
    )
    follow.directive_return(directive=directive, user=user("secretary"), comment="سند کم است")
    html = _page(persona_client("itmanager"), directive)
    order = [
        html.index('data-testid="resolution-text"'),
        html.index('data-testid="return-comment"'),
        html.index('data-testid="history"'),
        html.index('data-testid="agency-actions"'),
    ]
    assert order == sorted(order)


@pytest.mark.parametrize("persona", ["itmanager", "secretary"])
def test_directive_page_links_its_letter(working_group, persona_client, persona):
    directive = _directive(working_group)
    html = _page(persona_client(persona), directive)
    letter = reverse("resolutions:directive_letter", args=[directive.pk])
    assert f'href="{letter}"' in html
    assert persona_client(persona).get(letter)["Content-Type"] == "application/pdf"


def test_the_chain_does_not_repeat_the_word_meeting(working_group, persona_client):
    html = _page(persona_client("itmanager"), _directive(working_group))
    assert "جلسه جلسه" not in " ".join(html.split())


def test_responsible_agencies_come_before_collaborating_ones(working_group, persona_client):
    meeting = approved_with(
        working_group, {"responsible": [water()], "collaborating": [education()]}
    )
    resolution = meeting.resolutions.get()
    assert [a.role for a in resolution.addressees.all()] == [
        AgencyRole.RESPONSIBLE,
        AgencyRole.COLLABORATING,
    ]
    html = persona_client("secretary").get(reverse("committees:meeting_detail", args=[meeting.pk]))
    text = html.content.decode()
    assert text.index(water().name) < text.index(education().name)


def test_dashboard_lists_agencies_in_persian_order(working_group, persona_client):
    # Code-point order files «پ» (U+067E) after «ت» (U+062A); Persian puts it first.
    post = Agency.objects.create(name="اداره کل پست")
    cooperation = Agency.objects.create(name="اداره کل تعاون")
    approved_with(working_group, {"responsible": [cooperation, post]})
    response = persona_client("admin").get(reverse("resolutions:dashboard"))
    names = [row.name for row in response.context["dashboard"].agencies]
    assert names.index(post.name) < names.index(cooperation.name)


# --- the desk (/me/) ------------------------------------------------------------------------


def _desk(client) -> str:
    response = client.get(reverse("committees:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_governor_office_desk_has_minutes_meetings_and_overdue(working_group, persona_client):
    from tests.meeting_helpers import in_review_meeting, scheduled_meeting

    meeting = approved_with(working_group, {"responsible": [education()]})
    Directive.objects.filter(resolution__meeting=meeting).update(
        due_date=meeting.starts_at.date() - datetime.timedelta(days=1)
    )
    coming = scheduled_meeting(working_group)
    awaiting = in_review_meeting(working_group)
    html = _desk(persona_client("governor_office"))
    assert reverse("resolutions:minutes_pdf", args=[meeting.pk]) in html
    assert reverse("committees:meeting_detail", args=[coming.pk]) in html
    awaiting_list = html.split('data-testid="desk-awaiting"', 1)[1].split("</ul>", 1)[0]
    assert reverse("committees:meeting_detail", args=[awaiting.pk]) in awaiting_list
    table = html.split('data-testid="desk-overdue-table"', 1)[1].split("</table>", 1)[0]
    assert education().name in table
    assert reverse("resolutions:overdue_list", args=[working_group.pk]) in table


def test_chair_desk_lists_minutes_awaiting_approval(working_group, persona_client):
    from tests.meeting_helpers import in_review_meeting

    meeting = in_review_meeting(working_group)
    html = _desk(persona_client("chair"))
    panel = html.split('data-testid="desk-approvals"', 1)[1].split("</section>", 1)[0]
    assert "صورتجلسه‌های منتظر تصویب شما" in panel
    assert reverse("committees:meeting_detail", args=[meeting.pk]) in panel
    assert "حاضر پاسخ داده‌اند" in panel


def test_it_manager_desk_says_what_to_acknowledge(working_group, persona_client):
    _directive(working_group)
    html = _desk(persona_client("itmanager"))
    assert 'data-testid="desk-to-acknowledge"' in html
    assert 'data-testid="desk-overdue-table"' not in html


@pytest.mark.parametrize("extra", [0, 5])
def test_governor_desk_query_budget(
    working_group, persona_client, django_assert_num_queries, extra
):
    for _ in range(1 + extra):
        approved_with(working_group, {"responsible": [education(), water()]})
    client = persona_client("governor_office")
    with django_assert_num_queries(27):
        assert client.get(reverse("committees:home")).status_code == 200


# --- mixed direction and English ----------------------------------------------------------------


def _in_english(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_letter_numbers_are_isolated_right_to_left_in_both_languages(working_group, persona_client):
    directive = _directive(working_group)
    for client in (persona_client("itmanager"), _in_english(persona_client("itmanager"))):
        html = _page(client, directive)
        assert '<bdi dir="rtl" class="letter-no">' in html
        inbox = client.get(reverse("resolutions:inbox")).content.decode()
        assert '<bdi dir="rtl" class="letter-no">' in inbox


def test_deadline_rules_are_translated_at_display(working_group, persona_client):
    meeting = approved_with(
        working_group, {"responsible": [education()], "deadline_working_days": 10}
    )
    directive = Directive.objects.get(resolution__meeting=meeting)
    assert directive.deadline_rule == "۱۰ روز کاری پس از ابلاغ"  # stored as the letter says
    html = _page(_in_english(persona_client("itmanager")), directive)
    rule = html.split('data-testid="deadline-rule">', 1)[1].split("</div>", 1)[0]
    assert rule == "10 working days after issue"
    page = persona_client("secretary").get(reverse("committees:meeting_detail", args=[meeting.pk]))
    shown = page.content.decode().split('data-testid="resolution-deadline-rule">', 1)[1]
    assert shown.startswith("۱۰ روز کاری پس از ابلاغ")


def test_the_footer_links_the_verification_page(client):
    html = client.get(reverse("committees:structure")).content.decode()
    assert f'href="{reverse("resolutions:verify")}" data-testid="footer-verify"' in html


def test_dashboard_figures_are_defined_alike_on_the_page_and_in_the_exports(
    working_group, persona_client
):
    import io

    import pypdf
    from openpyxl import load_workbook

    from egov_portal.text.persian import normalize_for_search
    from resolutions.selectors.dashboard import figure_definitions

    approved_with(working_group, {"responsible": [education()]})
    client = persona_client("governor_office")
    page = client.get(reverse("resolutions:dashboard")).content.decode()
    assert "معوق (امروز)" in page and "از تأییدشده‌های مهلت‌دار" in page
    definitions = [(str(label), str(text)) for label, text in figure_definitions()]
    on_time = next(text for label, text in definitions if label == "انجام به‌موقع")
    assert on_time in page
    workbook = load_workbook(io.BytesIO(client.get(reverse("resolutions:dashboard_xlsx")).content))
    about = [tuple(row) for row in workbook["گزارش"].iter_rows(values_only=True)]
    assert all(pair in about for pair in definitions)
    pdf = pypdf.PdfReader(io.BytesIO(client.get(reverse("resolutions:dashboard_pdf")).content))
    text = normalize_for_search(" ".join(p.extract_text() for p in pdf.pages))
    assert normalize_for_search("تأییدشده مهلت‌دار") in text


def test_a_fingerprint_that_matches_nothing_gets_a_hint_that_reveals_nothing(working_group, client):
    from committees.models import Minutes

    meeting = approved_with(working_group, {"responsible": [education()]})
    real = Minutes.objects.get(meeting=meeting).fingerprint
    one_off = real[:-1] + ("0" if real[-1] != "0" else "1")
    made_up = "ab" * 32
    answers = []
    for value in (one_off, made_up):
        html = client.get(reverse("resolutions:verify"), {"f": value}).content.decode()
        hint = html.split('data-testid="verify-not-found"', 1)[1].split("</div>", 1)[0]
        assert "رمزینه (QR)" in hint and real not in html
        answers.append(hint)
    assert answers[0] == answers[1]  # one wrong character is told nothing more
    short = client.get(reverse("resolutions:verify"), {"f": real[:40]}).content.decode()
    assert "آنچه وارد کردید ۴۰ نویسه دارد" in short
