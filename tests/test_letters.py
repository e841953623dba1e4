"""Directive letters: one agency's letter as PDF, and all of a meeting's letters in one PDF
made by a background job.

Text read back from PDFs loses ZWNJ and may reverse runs of digits, so PDF text is compared
through ``normalize_for_search`` and never on digits; digits are checked on the letter's
HTML rendering instead.
"""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import jdatetime
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from committees.models import SeatRole, body_full_title
from egov_portal.models import Job, JobState, Province, Slogan
from egov_portal.text.persian import normalize_for_search, to_persian_digits
from members.models import Agency
from resolutions.documents import letters
from resolutions.models import Directive
from tests.directive_helpers import approved_with, education, water


def _pdf_text(content: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(content))
    return [normalize_for_search(page.extract_text()) for page in reader.pages]


def _quotes(label: str, text: str) -> bool:
    """The clause quoted, «الف», in the subject line and in the opening sentence (PDF text
    extraction reorders RTL runs and mirrors their guillemets)."""
    return len(re.findall(f"[«»]{label}[«»]", text)) == 2


def _meeting_with_three_directives(body):
    """An approved meeting: بند الف to education (responsible) and water (collaborating),
    بند ب to water; three directives."""
    return approved_with(
        body,
        {"responsible": [education()], "collaborating": [water()], "deadline_working_days": 10},
        {"responsible": [water()], "text": "گزارش فصلی پنجره واحد"},
    )


def _meeting(body, *, many: bool):
    """An approved meeting with one directive, or with one to every active agency."""
    spec = {"all_agencies": True} if many else {"responsible": [education()]}
    return approved_with(body, spec)


def _education_directive(body) -> Directive:
    return letters.directive_queryset().filter(body=body, agency=education()).order_by("pk").first()


# --- one letter ---------------------------------------------------------------------------


def test_directive_letter_pdf_names_the_agency_and_the_subject(persona_client, working_group):
    directive = _education_directive(working_group)
    response = persona_client("itmanager").get(
        reverse("resolutions:directive_letter", args=[directive.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = _pdf_text(response.content)
    assert len(pages) == 1
    text = pages[0]
    assert normalize_for_search("مدیرکل محترم آموزش و پرورش استان گیلان") in text
    assert normalize_for_search("بسمه تعالی") in text
    assert _quotes(directive.resolution.label, text)
    assert normalize_for_search(directive.resolution.meeting.title) in text
    assert normalize_for_search(directive.resolution.text) in text
    assert normalize_for_search("دبیر کارگروه توسعه دولت الکترونیک استان گیلان") in text
    # The letter number without its digits (the prefix), and the page footer.
    prefix = "".join(c for c in directive.letter_number if not c.isdigit() and c != "/")
    assert normalize_for_search(prefix) in text
    assert "صفحه" in text


def test_letter_html_carries_number_date_deadline_and_markings(working_group):
    meeting = approved_with(
        working_group,
        {
            "responsible": [education()],
            "deadline_working_days": 10,
            "classification": "confidential",
            "priority": "urgent",
        },
    )
    directive = letters.meeting_directives(meeting).get()
    context = letters.letter_context(directive)
    html = letters.letter_html(context)
    assert to_persian_digits(directive.letter_number) in html
    issued = directive.issued_on
    assert to_persian_digits(f"{issued.year:04d}/{issued.month:02d}/{issued.day:02d}") in html
    due = directive.due_date
    assert to_persian_digits(f"{due.year:04d}/{due.month:02d}/{due.day:02d}") in html
    assert "۱۰ روز کاری پس از ابلاغ" in html
    assert "محرمانه" in html
    assert "فوری" in html
    assert "مسئول اجرا" in html
    assert context["subject"] == (
        f"ابلاغ مصوبه بند «الف» {meeting.title} کارگروه توسعه دولت الکترونیک استان گیلان"
    )


def test_letter_signature_is_the_secretary_seat_holder_on_the_issue_date(working_group):
    directive = _education_directive(working_group)
    seat = working_group.seats.get(role=SeatRole.SECRETARY)
    holder = seat.position.holdings.filter(end_date__isnull=True).get().person
    secretary = letters.letter_context(directive)["secretary"]
    assert secretary["name"] == holder.full_name
    assert secretary["seat_title"] == seat.title
    assert secretary["role_title"] == "دبیر کارگروه توسعه دولت الکترونیک استان گیلان"


def test_letter_signature_falls_back_to_the_role_when_the_seat_was_vacant(working_group):
    directive = _education_directive(working_group)
    directive.issued_on = jdatetime.date(1390, 1, 15)  # before anyone held the post
    secretary = letters.letter_context(directive)["secretary"]
    assert secretary == {
        "name": "",
        "seat_title": "",
        "role_title": "دبیر کارگروه توسعه دولت الکترونیک استان گیلان",
    }
    html = letters.letter_html(letters.letter_context(directive))
    assert "دبیر کارگروه توسعه دولت الکترونیک استان گیلان" in html


def test_letter_context_has_a_fixed_query_count(working_group, django_assert_num_queries):
    directive = _education_directive(working_group)
    # The secretary seat, its holder, the slogan, the province's letterhead.
    with django_assert_num_queries(4):
        letters.letter_context(directive)


@pytest.mark.parametrize("many", [False, True])
def test_meeting_letter_contexts_have_a_fixed_query_count(
    working_group, django_assert_num_queries, many
):
    meeting = _meeting(working_group, many=many)
    # The directives, their resolutions' agencies, the slogans, the secretary seat, its
    # holder, the province's letterhead (once for all the letters).
    with django_assert_num_queries(6):
        contexts = letters.letter_contexts(letters.meeting_directives(meeting))
    assert len(contexts) == Directive.objects.filter(resolution__meeting=meeting).count()
    assert (len(contexts) > 10) is many


# --- all of a meeting's letters -------------------------------------------------------------


def test_meeting_letters_page_lists_the_directives(persona_client, working_group):
    meeting = _meeting_with_three_directives(working_group)
    response = persona_client("secretary").get(
        reverse("resolutions:meeting_letters", args=[meeting.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    for directive in Directive.objects.filter(resolution__meeting=meeting):
        assert to_persian_digits(directive.letter_number) in page
        assert reverse("resolutions:directive_letter", args=[directive.pk]) in page
    assert 'data-testid="letters-start"' in page


@pytest.mark.parametrize("many", [False, True])
def test_meeting_letters_page_query_budget(
    persona_client, working_group, django_assert_num_queries, many
):
    meeting = _meeting(working_group, many=many)
    client = persona_client("secretary")
    url = reverse("resolutions:meeting_letters", args=[meeting.pk])
    with django_assert_num_queries(15):  # … the directives and their resolutions' agencies
        response = client.get(url)
    assert response.status_code == 200


def test_meeting_letters_job_makes_one_page_per_directive(
    persona_client, working_group, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_EAGER = True
    meeting = _meeting_with_three_directives(working_group)
    directives = list(letters.meeting_directives(meeting))
    assert len(directives) == 3
    client = persona_client("secretary")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("resolutions:meeting_letters", args=[meeting.pk]))
    job = Job.objects.get(created_by__username="secretary")
    assert response.status_code == 302
    assert response["Location"] == reverse("resolutions:job_detail", args=[job.pk])
    assert job.state == JobState.DONE
    assert (job.progress, job.done, job.total) == (100, 3, 3)
    assert job.result.name.startswith(f"jobs/{job.pk}/")

    status = client.get(reverse("resolutions:job_status", args=[job.pk])).json()
    assert status["state"] == "done"
    assert status["finished"] is True
    assert status["download_url"] == reverse("resolutions:job_download", args=[job.pk])

    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    pages = _pdf_text(b"".join(download.streaming_content))
    assert len(pages) == len(directives)
    for page, directive in zip(pages, directives, strict=True):
        assert normalize_for_search(directive.agency.salutation) in page
        assert _quotes(directive.resolution.label, page)


def test_meeting_letters_job_reports_progress_letter_by_letter(
    persona_client, working_group, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from egov_portal.jobs import runner as jobs

    settings.JOBS_EAGER = True
    seen: list[tuple[int, int, int]] = []
    make_reporter = jobs._progress_reporter

    def recording_reporter(job):
        report = make_reporter(job)

        def record(done, total):
            report(done, total)
            row = Job.objects.get(pk=job.pk)
            seen.append((row.done, row.total, row.progress))

        return record

    monkeypatch.setattr(jobs, "_progress_reporter", recording_reporter)
    meeting = _meeting_with_three_directives(working_group)
    with django_capture_on_commit_callbacks(execute=True):
        persona_client("secretary").post(reverse("resolutions:meeting_letters", args=[meeting.pk]))
    assert seen == [(0, 3, 0), (1, 3, 33), (2, 3, 66), (3, 3, 100)]


def test_job_page_shows_a_progress_bar_polled_by_the_script(persona_client, working_group):
    meeting = _meeting_with_three_directives(working_group)
    client = persona_client("secretary")
    client.post(reverse("resolutions:meeting_letters", args=[meeting.pk]))
    job = Job.objects.get(created_by__username="secretary")
    assert job.state == JobState.QUEUED  # the test transaction never commits
    page = client.get(reverse("resolutions:job_detail", args=[job.pk])).content.decode()
    status_url = reverse("resolutions:job_status", args=[job.pk])
    assert f'data-job-status-url="{status_url}"' in page
    assert "js/job-progress.js" in page
    assert 'role="progressbar"' in page
    assert "<script>" not in page and " style=" not in page
    # Without JavaScript: the state and a link to load the page again.
    assert "در صف" in page
    assert 'data-testid="job-refresh"' in page
    # Not finished: nothing to download yet.
    assert client.get(reverse("resolutions:job_download", args=[job.pk])).status_code == 404


def test_meeting_letters_post_without_directives_starts_nothing(persona_client, working_group):
    meeting = approved_with(working_group, {"kind": "decision", "text": "گزارش شنیده شد"})
    client = persona_client("secretary")
    response = client.post(reverse("resolutions:meeting_letters", args=[meeting.pk]))
    assert response.status_code == 302
    assert not Job.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("chair", 403), ("outsider", 404)])
def test_meeting_letters_post_is_refused_like_get(persona_client, working_group, persona, status):
    meeting = _education_directive(working_group).resolution.meeting
    response = persona_client(persona).post(
        reverse("resolutions:meeting_letters", args=[meeting.pk])
    )
    assert response.status_code == status
    assert not Job.objects.exists()


def test_failed_letters_job_shows_its_persian_message(
    persona_client, working_group, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.JOBS_EAGER = True

    def broken(contexts, *, report_progress=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(letters, "letters_pdf", broken)
    meeting = _meeting_with_three_directives(working_group)
    client = persona_client("secretary")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("resolutions:meeting_letters", args=[meeting.pk]))
    job = Job.objects.get(created_by__username="secretary")
    assert job.state == JobState.FAILED
    assert job.finished_at is not None
    status = client.get(reverse("resolutions:job_status", args=[job.pk])).json()
    assert status["state"] == "failed"
    assert "خطا" in status["error"]
    assert status["download_url"] == ""
    page = client.get(reverse("resolutions:job_detail", args=[job.pk])).content.decode()
    assert status["error"] in page


def test_full_title_adds_the_province_only_after_the_word_province(working_group):
    assert working_group.full_title == "کارگروه توسعه دولت الکترونیک استان گیلان"
    assert body_full_title("کمیته راهبری", "گیلان") == "کمیته راهبری"
    working_group.name = "شورای عالی فضای مجازی"
    working_group.jurisdiction = ""
    assert working_group.full_title == "شورای عالی فضای مجازی"


def test_letter_date_is_the_issue_date_in_jalali(working_group):
    directive = _education_directive(working_group)
    directive.issued_on = jdatetime.date.fromgregorian(date=datetime.date(2026, 3, 21))
    assert letters.letter_context(directive)["issued_on"] == "۱۴۰۵/۰۱/۰۱"


# --- addressee, copies, slogan ----------------------------------------------------------------


def _letter_text(agency_name: str, body, **spec) -> str:
    """The text of the letter to ``agency_name`` of a new approved meeting."""
    agency = Agency.objects.get(name=agency_name)
    meeting = approved_with(body, {"responsible": [agency], **spec})
    directive = letters.meeting_directives(meeting).get()
    return _pdf_text(letters.letter_pdf(directive))[0]


@pytest.mark.parametrize(
    ("agency", "salutation"),
    [
        ("شهرداری رشت", "شهردار محترم رشت"),
        ("فرمانداری رشت", "فرماندار محترم شهرستان رشت"),
        ("اداره کل آموزش و پرورش", "مدیرکل محترم آموزش و پرورش استان گیلان"),
        ("دانشگاه گیلان", "رئیس محترم دانشگاه گیلان"),
        ("استانداری گیلان", "استاندار محترم گیلان"),
    ],
)
def test_letter_addresses_the_head_of_the_agency_by_his_post(working_group, agency, salutation):
    text = _letter_text(agency, working_group)
    assert normalize_for_search(salutation) in text
    assert normalize_for_search("مدیر محترم") not in text


def test_letter_to_an_agency_without_a_salutation_says_director(working_group):
    Agency.objects.filter(name="دانشگاه گیلان").update(salutation="")
    text = _letter_text("دانشگاه گیلان", working_group)
    assert normalize_for_search("مدیر محترم دانشگاه گیلان") in text


def test_salutation_edited_in_the_admin_survives_load_structure(persona_client, working_group):
    municipality = Agency.objects.get(name="شهرداری رشت")
    url = reverse("admin:members_agency_change", args=[municipality.pk])
    admin = persona_client("admin")
    assert 'name="salutation"' in admin.get(url).content.decode()
    Agency.objects.filter(pk=municipality.pk).update(salutation="سرپرست محترم شهرداری رشت")
    Agency.objects.filter(name="استانداری گیلان").update(salutation="")
    call_command("load_structure", stdout=io.StringIO())
    municipality.refresh_from_db()
    assert municipality.salutation == "سرپرست محترم شهرداری رشت"  # the edit is kept
    assert Agency.objects.get(name="استانداری گیلان").salutation == "استاندار محترم گیلان"
    text = _letter_text("شهرداری رشت", working_group)
    assert normalize_for_search("سرپرست محترم شهرداری رشت") in text


def _copies(text: str) -> str:
    assert "رونوشت" in text
    return text.split("رونوشت", 1)[1]


def test_letter_copies_the_collaborating_agencies_and_the_secretariat(working_group):
    meeting = _meeting_with_three_directives(working_group)
    directives = {
        (d.agency.name, d.resolution.label): d for d in letters.meeting_directives(meeting)
    }
    secretariat = normalize_for_search(
        "دبیرخانه کارگروه توسعه دولت الکترونیک استان گیلان، جهت درج در پرونده و پیگیری"
    )
    water_head = normalize_for_search("مدیرعامل محترم شرکت آب و فاضلاب استان گیلان")
    education_head = normalize_for_search("مدیرکل محترم آموزش و پرورش استان گیلان")

    to_education = _copies(
        _pdf_text(letters.letter_pdf(directives[("اداره کل آموزش و پرورش", "الف")]))[0]
    )
    assert (
        normalize_for_search("مدیرعامل محترم شرکت آب و فاضلاب استان گیلان، جهت اطلاع و همکاری")
        in to_education
    )
    assert secretariat in to_education
    assert education_head not in to_education  # not copied to itself

    to_water = _copies(_pdf_text(letters.letter_pdf(directives[("شرکت آب و فاضلاب", "الف")]))[0])
    assert (
        normalize_for_search("مدیرکل محترم آموزش و پرورش استان گیلان، جهت اطلاع و هماهنگی")
        in to_water
    )
    assert secretariat in to_water and water_head not in to_water

    # بند ب went to water alone: only the secretariat is copied.
    alone = letters.letter_context(directives[("شرکت آب و فاضلاب", "ب")])
    assert [copy["to"] for copy in alone["copies"]] == [
        "دبیرخانه کارگروه توسعه دولت الکترونیک استان گیلان"
    ]


def test_letter_prints_the_slogan_of_the_year_it_was_issued(working_group):
    directive = _education_directive(working_group)
    directive.issued_on = jdatetime.date(1404, 11, 20)
    text = _pdf_text(letters.letter_pdf(directive))[0]
    assert normalize_for_search("سرمایه‌گذاری برای تولید") in text
    directive.issued_on = jdatetime.date(1399, 2, 1)
    assert letters.letter_context(directive)["slogan"] == "جهش تولید"
    # A year without a recorded slogan prints none (no default of another year).
    Slogan.objects.filter(year=1405).delete()
    directive.issued_on = jdatetime.date(1405, 2, 10)
    text = _pdf_text(letters.letter_pdf(directive))[0]
    assert not any(
        normalize_for_search(t) in text for t in Slogan.objects.values_list("text", flat=True)
    )


# --- the letterhead, shared with the minutes -------------------------------------------------

LETTERHEAD_INCLUDE = '{% include "egov_portal/documents/letterhead.html" %}'


def _no_repeated_province(text: str) -> bool:
    """No «استان استان» (the body's name ending in «استان» and then «استان گیلان»)."""
    return re.search(r"استان\s+استان", text) is None


def test_letter_carries_the_minutes_letterhead(working_group):
    """Country, governorate (from the province's data), the body's full title once, and the
    secretariat under it, read back from the letter's PDF."""
    directive = _education_directive(working_group)
    text = _pdf_text(letters.letter_pdf(directive))[0]
    for line in (
        "جمهوری اسلامی ایران",
        "استانداری گیلان",
        "کارگروه توسعه دولت الکترونیک استان گیلان",
        "دبیرخانه",
    ):
        assert normalize_for_search(line) in text, line
    assert _no_repeated_province(text)


def test_letter_letterhead_is_the_minutes_one(working_group):
    """One template draws the authority column of the minutes and of the letters."""
    root = Path(__file__).resolve().parent.parent / "resolutions" / "templates" / "resolutions"
    for name in ("includes/minutes_document.html", "letters/letter_body.html"):
        assert LETTERHEAD_INCLUDE in (root / name).read_text(encoding="utf-8"), name


def test_letter_governorate_comes_from_the_provinces_data(working_group):
    Province.objects.filter(name="گیلان").update(authority="استانداری استان سبز")
    html = letters.letter_html(letters.letter_context(_education_directive(working_group)))
    assert '<div class="authority">استانداری استان سبز</div>' in html


def test_letter_emblem_is_a_placeholder_until_an_administrator_sets_one(working_group):
    directive = _education_directive(working_group)
    html = letters.letter_html(letters.letter_context(directive))
    assert 'class="emblem emblem-placeholder"' in html and 'class="emblem" src=' not in html
    image = io.BytesIO()
    Image.new("RGB", (64, 64), (11, 93, 75)).save(image, format="PNG")
    Province.objects.get(name="گیلان").emblem.save("emblem.png", ContentFile(image.getvalue()))
    html = letters.letter_html(letters.letter_context(directive))
    assert 'class="emblem" src="data:image/png;base64,' in html
    assert "emblem-placeholder" not in html
    pdf = PdfReader(io.BytesIO(letters.letter_pdf(directive)))
    assert [image.image.size for image in pdf.pages[0].images] == [(64, 64)]


def test_batch_letters_each_carry_the_letterhead_with_one_stylesheet(working_group):
    """The meeting's file: every letter has the letterhead, the letter's stylesheet (which
    imports the letterhead's) still found by the batch so it is parsed once."""
    meeting = _meeting_with_three_directives(working_group)
    contexts = letters.letter_contexts(letters.meeting_directives(meeting))
    for context in contexts:
        link = letters._LETTER_CSS_LINK.search(letters.letter_html(context))
        assert link is not None and link[1].endswith("css/letters.css")
    pages = _pdf_text(letters.letters_pdf(contexts))
    assert len(pages) == 3
    for page in pages:
        assert normalize_for_search("جمهوری اسلامی ایران") in page
        assert normalize_for_search("استانداری گیلان") in page
        assert _no_repeated_province(page)


def test_dashboard_pdf_does_not_repeat_the_province(working_group, persona_client):
    _meeting_with_three_directives(working_group)
    response = persona_client("secretary").get(reverse("resolutions:dashboard_pdf"))
    assert response.status_code == 200
    text = " ".join(_pdf_text(response.content))
    assert normalize_for_search("کارگروه توسعه دولت الکترونیک") in text
    assert _no_repeated_province(text)
