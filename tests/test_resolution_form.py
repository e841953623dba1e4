"""The resolution form: searchable agency lists (a progressive enhancement of the native
multi-select), the referral target asked only for the referral kind, the rare fields
behind a disclosure; and the meeting page's deadline and referral target of each row."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import jdatetime
import pytest
from django.conf import settings
from django.urls import reverse

from members.models import Agency
from resolutions.models import Resolution
from resolutions.services.resolutions import resolution_create
from tests.meeting_helpers import held_meeting, in_review_meeting

pytestmark = pytest.mark.django_db

NO_TARGET = "رکنی را که موضوع به آن ارجاع می‌شود برگزینید."
STATIC = Path(settings.BASE_DIR) / "static"


def _add_url(meeting) -> str:
    return reverse("resolutions:resolution_add", args=[meeting.pk])


def _referral_block(html: str) -> str:
    return re.search(r'<div class="[^"]*kind-only[^"]*"[^>]*data-kind-only="referral"', html)[0]


def _details(html: str) -> str:
    return re.search(r'<details[^>]*data-testid="rare-fields"[^>]*>', html)[0]


def test_new_form_hides_the_referral_target_and_folds_the_rare_fields(
    persona_client, working_group
):
    meeting = in_review_meeting(working_group)
    html = persona_client("secretary").get(_add_url(meeting)).content.decode()
    assert "kind-only-open" not in _referral_block(html)
    assert " open" not in _details(html)
    # The rare fields are inside the disclosure, the referral target is not among them.
    details = html.split('data-testid="rare-fields"', 1)[1].split("</details>", 1)[0]
    assert 'name="amends"' in details and 'name="answers"' in details
    assert 'name="refer_to"' not in details
    # The target's label is not the kind's label: it names the body, not the kind.
    assert "رکن مقصد ارجاع" in html


def test_the_css_shows_the_referral_target_for_the_referral_kind_without_javascript():
    css = (STATIC / "css" / "portal.css").read_text(encoding="utf-8")
    assert ".kind-only:not(.kind-only-open) { display: none; }" in css
    assert (
        'form:has(select[name="kind"] option[value="referral"]:checked) '
        '[data-kind-only="referral"] { display: block; }'
    ) in css


def test_agency_lists_are_native_multi_selects_marked_for_search(persona_client, working_group):
    meeting = in_review_meeting(working_group)
    html = persona_client("secretary").get(_add_url(meeting)).content.decode()
    for name in ("responsible", "collaborating"):
        tag = re.search(rf'<select name="{name}"[^>]*>', html)[0]
        assert "multiple" in tag and "data-searchable" in tag
        assert 'data-search-placeholder="جستجوی دستگاه…"' in tag
        assert 'data-no-results="موردی یافت نشد"' in tag
    assert "vendor/tom-select/tom-select.complete.min.js" in html
    assert "js/resolution-form.js" in html
    assert "https://" not in re.sub(r"<a [^>]*>", "", html.split("<main", 1)[1])


def test_vendored_tom_select_has_its_licence_and_nothing_remote():
    vendor = STATIC / "vendor" / "tom-select"
    assert "Apache License" in (vendor / "LICENSE").read_text()
    for name in ("tom-select.complete.min.js", "tom-select.bootstrap5.min.css"):
        text = (vendor / name).read_text(encoding="utf-8")
        assert "sourceMappingURL" not in text
        assert not re.search(r"url\(\s*[\"']?https?:", text)
    readme = (STATIC / "vendor" / "README.md").read_text(encoding="utf-8")
    assert "tom-select" in readme


def test_referral_without_target_is_refused_and_the_target_is_shown(persona_client, working_group):
    meeting = in_review_meeting(working_group)
    response = persona_client("secretary").post(
        _add_url(meeting), {"text": "بررسی امنیت شبکه", "kind": "referral"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert NO_TARGET in html
    assert "kind-only-open" in _referral_block(html)
    assert 'value="referral" selected' in html
    assert not Resolution.objects.filter(meeting=meeting).exists()


def test_referral_with_target_is_saved(persona_client, working_group, steering):
    meeting = in_review_meeting(working_group)
    response = persona_client("secretary").post(
        _add_url(meeting),
        {"text": "بررسی امنیت شبکه", "kind": "referral", "refer_to": steering.pk},
    )
    assert response.status_code == 302
    assert Resolution.objects.get(meeting=meeting).refer_to == steering


def test_other_kinds_need_no_target(persona_client, working_group):
    meeting = in_review_meeting(working_group)
    response = persona_client("secretary").post(
        _add_url(meeting), {"text": "تصمیم ساده", "kind": "decision"}
    )
    assert response.status_code == 302
    assert Resolution.objects.get(meeting=meeting).refer_to is None


def test_editing_a_referral_shows_its_target(persona_client, working_group, steering):
    meeting = in_review_meeting(working_group)
    resolution = resolution_create(
        meeting=meeting, text="ارجاع", kind="referral", refer_to=steering
    )
    html = (
        persona_client("secretary")
        .get(reverse("resolutions:resolution_edit", args=[resolution.pk]))
        .content.decode()
    )
    assert "kind-only-open" in _referral_block(html)
    assert " open" not in _details(html)


def test_disclosure_is_open_when_a_rare_field_has_a_value(persona_client, working_group):
    earlier = in_review_meeting(working_group)
    amended = resolution_create(meeting=earlier, text="مصوبه پیشین", kind="decision")
    earlier.__class__.objects.filter(pk=earlier.pk).update(state="approved")
    amended = Resolution.objects.get(pk=amended.pk)
    meeting = in_review_meeting(working_group)
    resolution = resolution_create(meeting=meeting, text="اصلاح", kind="amendment", amends=amended)
    html = (
        persona_client("secretary")
        .get(reverse("resolutions:resolution_edit", args=[resolution.pk]))
        .content.decode()
    )
    assert " open" in _details(html)


def test_disclosure_is_open_when_a_rare_field_has_an_error(persona_client, working_group):
    meeting = in_review_meeting(working_group)
    response = persona_client("secretary").post(
        _add_url(meeting), {"text": "پاسخ", "kind": "decision", "answers": "999999"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert " open" in _details(html)
    assert not Resolution.objects.filter(meeting=meeting).exists()


# --- the meeting page ------------------------------------------------------------------------


def _fa(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


@pytest.mark.parametrize("extra", [0, 6])
def test_meeting_page_shows_each_deadline_and_target_without_queries_per_row(
    persona_client, working_group, steering, django_assert_num_queries, extra
):
    meeting = held_meeting(working_group)
    deadline = meeting.starts_at.date() + datetime.timedelta(days=30)
    education = Agency.objects.get(name="اداره کل آموزش و پرورش")
    for n in range(1 + extra):
        resolution_create(
            meeting=meeting,
            text=f"تکلیف دارای تاریخ {n}",
            kind="assignment",
            responsible=[education],
            deadline=deadline,
        )
        resolution_create(
            meeting=meeting,
            text=f"تکلیف به روز کاری {n}",
            kind="assignment",
            responsible=[education],
            deadline_working_days=10,
        )
        resolution_create(meeting=meeting, text=f"ارجاع {n}", kind="referral", refer_to=steering)
    client = persona_client("secretary")
    # As many queries with 3 rows as with 21: the targets are prefetched (a few queries
    # more than tests/test_meeting_views.py's page, which has no referral).
    with django_assert_num_queries(27):
        response = client.get(reverse("committees:meeting_detail", args=[meeting.pk]))
    html = response.content.decode()
    jalali = jdatetime.date.fromgregorian(date=deadline).strftime("%Y/%m/%d")
    assert html.count(_fa(jalali)) >= 1 + extra
    assert html.count("۱۰ روز کاری پس از ابلاغ") == 1 + extra
    assert html.count(f'<bdi data-testid="resolution-refer-to">{steering.name}</bdi>') == 1 + extra


def test_working_days_accept_persian_digits(persona_client, working_group):
    meeting = in_review_meeting(working_group)
    education = Agency.objects.get(name="اداره کل آموزش و پرورش")
    response = persona_client("secretary").post(
        _add_url(meeting),
        {
            "text": "تکلیف",
            "kind": "assignment",
            "responsible": [education.pk],
            "deadline_working_days": "۱۰",
        },
    )
    assert response.status_code == 302
    resolution = Resolution.objects.get(meeting=meeting)
    assert resolution.deadline_working_days == 10
    page = persona_client("secretary").get(
        reverse("resolutions:resolution_edit", args=[resolution.pk])
    )
    assert re.search(r'name="deadline_working_days" value="۱۰"', page.content.decode())
    assert (
        'type="number"'
        not in re.search(r'<input[^>]*name="deadline_working_days"[^>]*>', page.content.decode())[0]
    )
