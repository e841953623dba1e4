"""Agenda papers: private storage, who may upload, download and delete, and no orphans."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from committees.forms import ACCEPT
from committees.models import Meeting, Paper
from committees.services.meetings import agenda_item_add, meeting_create
from committees.services.papers import paper_add, paper_delete
from egov_portal.text.persian import to_persian_digits
from tests.conftest import stored_files
from tests.test_uploads import NOT_ALLOWED, docx_bytes, pdf_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

PERSIAN_NAME = "گزارش عملکرد ۱۴۰۳.pdf"
NO_FILE = "پرونده‌ای انتخاب نشده است."
FROZEN = "صورتجلسه این جلسه تأیید شده است و پیوست‌های آن تغییر نمی‌کند."


@pytest.fixture
def item(working_group):
    meeting = meeting_create(
        body=working_group,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place="استانداری",
        created_by=None,
    )
    return agenda_item_add(meeting=meeting, title="گزارش پیشرفت پروژه‌ها")


@pytest.fixture
def paper(item):
    return paper_add(
        item=item, uploaded_file=SimpleUploadedFile(PERSIAN_NAME, pdf_bytes()), user=None
    )


def approve(meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(state="approved")


def meeting_url(meeting: Meeting) -> str:
    try:
        return reverse("committees:meeting_detail", args=[meeting.pk])
    except NoReverseMatch:
        return f"/meetings/{meeting.pk}/"


def post_file(client, item, name: str, content: bytes, content_type="application/pdf"):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(reverse("committees:paper_add", args=[item.pk]), {"file": upload})


def texts(response) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]


# --- upload --------------------------------------------------------------------------------


def test_secretary_upload_stores_file_privately(persona_client, item, media_root):
    content = pdf_bytes()
    response = post_file(persona_client("secretary"), item, PERSIAN_NAME, content)

    assert response.status_code == 302
    assert response["Location"] == f"{meeting_url(item.meeting)}#papers-{item.pk}"
    paper = Paper.objects.get(agenda_item=item)
    assert paper.original_name == PERSIAN_NAME
    assert paper.content_type == "application/pdf"
    assert paper.size == len(content)
    assert paper.sha256 == hashlib.sha256(content).hexdigest()
    assert paper.uploaded_by.username == "secretary"
    assert paper.file.name.startswith(f"papers/{item.meeting_id}/")
    assert "گزارش" not in paper.file.name
    path = Path(paper.file.path).resolve()
    assert path.is_relative_to(media_root.resolve())
    assert path.read_bytes() == content
    for static_dir in [*django_settings.STATICFILES_DIRS, django_settings.STATIC_ROOT]:
        assert not path.is_relative_to(Path(static_dir).resolve())
    assert texts(response) == [
        ("success", f"پیوست «{PERSIAN_NAME}» به «گزارش پیشرفت پروژه‌ها» افزوده شد.")
    ]


def test_media_url_does_not_serve_papers(client, paper):
    assert client.get(f"{django_settings.MEDIA_URL}{paper.file.name}").status_code == 404


def test_bad_file_saves_nothing_and_leaves_no_file(persona_client, item, media_root):
    html = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    response = post_file(persona_client("secretary"), item, "نامه.pdf", html)

    assert response.status_code == 302
    assert response["Location"] == f"{meeting_url(item.meeting)}#papers-{item.pk}"
    assert texts(response) == [("error", f"«نامه.pdf»: {NOT_ALLOWED}")]
    assert not Paper.objects.filter(agenda_item=item).exists()
    assert stored_files(media_root) == []


def test_upload_without_file_is_an_error_message(persona_client, item, media_root):
    response = persona_client("secretary").post(reverse("committees:paper_add", args=[item.pk]))
    assert response.status_code == 302
    assert texts(response) == [("error", NO_FILE)]
    assert stored_files(media_root) == []


def test_upload_refused_when_minutes_approved(persona_client, item, media_root):
    approve(item.meeting)
    response = post_file(persona_client("secretary"), item, PERSIAN_NAME, pdf_bytes())

    assert response.status_code == 302
    assert texts(response) == [("error", FROZEN)]
    assert not Paper.objects.filter(agenda_item=item).exists()
    assert stored_files(media_root) == []


def test_member_cannot_upload(persona_client, item, media_root):
    response = post_file(persona_client("member"), item, PERSIAN_NAME, pdf_bytes())
    assert response.status_code == 403
    assert not Paper.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize("persona", ["outsider", "anonymous"])
def test_outsider_upload_is_not_found(persona_client, item, persona):
    response = post_file(persona_client(persona), item, PERSIAN_NAME, pdf_bytes())
    assert response.status_code == 404


def test_upload_is_post_only(persona_client, item):
    response = persona_client("secretary").get(reverse("committees:paper_add", args=[item.pk]))
    assert response.status_code == 405


# --- download ------------------------------------------------------------------------------


def test_member_downloads_attachment_with_persian_name(persona_client, paper):
    response = persona_client("member").get(reverse("committees:paper_download", args=[paper.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert f"filename*=UTF-8''{quote(PERSIAN_NAME)}" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert b"".join(response.streaming_content) == paper.file.open("rb").read()


def test_download_of_docx_keeps_office_type(persona_client, item):
    paper = paper_add(
        item=item, uploaded_file=SimpleUploadedFile("نامه.docx", docx_bytes()), user=None
    )
    response = persona_client("chair").get(reverse("committees:paper_download", args=[paper.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert quote("نامه.docx") in response["Content-Disposition"]


@pytest.mark.parametrize("persona", ["outsider", "anonymous"])
def test_outsider_download_is_not_found(persona_client, paper, persona):
    url = reverse("committees:paper_download", args=[paper.pk])
    assert persona_client(persona).get(url).status_code == 404


def test_download_of_missing_paper_is_not_found(persona_client):
    url = reverse("committees:paper_download", args=[999_999])
    assert persona_client("secretary").get(url).status_code == 404


def test_download_of_file_missing_from_storage_is_not_found(persona_client, paper):
    paper.file.storage.delete(paper.file.name)
    url = reverse("committees:paper_download", args=[paper.pk])
    assert persona_client("secretary").get(url).status_code == 404


# --- delete --------------------------------------------------------------------------------


def test_member_cannot_delete(persona_client, paper):
    response = persona_client("member").post(reverse("committees:paper_delete", args=[paper.pk]))
    assert response.status_code == 403
    assert Paper.objects.filter(pk=paper.pk).exists()


def test_secretary_deletes_paper_and_its_file_after_commit(
    persona_client, paper, media_root, django_capture_on_commit_callbacks
):
    path = Path(paper.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = persona_client("secretary").post(
            reverse("committees:paper_delete", args=[paper.pk])
        )
    assert response.status_code == 302
    assert texts(response) == [("success", f"پیوست «{PERSIAN_NAME}» حذف شد.")]
    assert not Paper.objects.filter(pk=paper.pk).exists()
    assert not path.exists()
    assert stored_files(media_root) == []


def test_delete_refused_when_minutes_approved(persona_client, paper):
    approve(paper.agenda_item.meeting)
    response = persona_client("secretary").post(reverse("committees:paper_delete", args=[paper.pk]))
    assert response.status_code == 302
    assert texts(response) == [("error", FROZEN)]
    assert Paper.objects.filter(pk=paper.pk).exists()
    assert Path(paper.file.path).exists()


# --- services ------------------------------------------------------------------------------


def test_paper_add_cleans_the_original_name(item):
    name = "C:\\tmp\\" + "گزارش\u202e" + "ي" * 300 + ".pdf"
    paper = paper_add(item=item, uploaded_file=SimpleUploadedFile(name, pdf_bytes()), user=None)
    assert len(paper.original_name) <= 255
    assert paper.original_name.startswith("گزارشی")
    assert paper.original_name.endswith(".pdf")
    assert "\u202e" not in paper.original_name


def test_paper_add_removes_the_file_when_saving_fails(item, media_root, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(Paper, "save", fail)
    with pytest.raises(RuntimeError):
        paper_add(item=item, uploaded_file=SimpleUploadedFile("a.pdf", pdf_bytes()), user=None)
    assert stored_files(media_root) == []


def test_paper_add_refuses_approved_meeting(item):
    approve(item.meeting)
    with pytest.raises(ValidationError) as info:
        paper_add(item=item, uploaded_file=SimpleUploadedFile("a.pdf", pdf_bytes()), user=None)
    assert info.value.messages == [FROZEN]


def test_paper_delete_keeps_the_file_until_commit(paper):
    path = Path(paper.file.path)
    paper_delete(paper=paper)  # the test's transaction never commits
    assert path.exists()


# --- the partial ---------------------------------------------------------------------------


def test_papers_partial_for_the_secretariat(paper, rf):
    item = paper.agenda_item
    html = render_to_string(
        "committees/includes/papers.html",
        {"item": item, "can_manage": True},
        request=rf.get("/"),
    )
    assert reverse("committees:paper_download", args=[paper.pk]) in html
    assert reverse("committees:paper_delete", args=[paper.pk]) in html
    assert reverse("committees:paper_add", args=[item.pk]) in html
    assert 'enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html
    assert f'accept="{ACCEPT}"' in html
    assert PERSIAN_NAME in html
    assert f"({to_persian_digits(paper.size)}\xa0بایت)" in html  # filesizeformat keeps it whole


def test_papers_partial_for_readers_has_no_forms(paper):
    html = render_to_string(
        "committees/includes/papers.html", {"item": paper.agenda_item, "can_manage": False}
    )
    assert reverse("committees:paper_download", args=[paper.pk]) in html
    assert "<form" not in html
