"""Files kept for a refused form: every form with a file field keeps them, so the correction
needs no new choice; they are cleaned when nobody came back for them."""

from __future__ import annotations

import datetime
import io
import os
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from committees.models import Paper
from committees.services.meetings import agenda_item_add, meeting_create
from resolutions.models import Evidence
from tests.conftest import stored_files
from tests.test_inbox import acknowledged, new_directive
from tests.test_uploads import pdf_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def test_clean_upload_tmp_removes_stale_held_files_only():
    stale = default_storage.save("held/stale", ContentFile(b"%PDF-1.4 old"))
    fresh = default_storage.save("held/fresh", ContentFile(b"%PDF-1.4 new"))
    two_days_ago = time.time() - 48 * 3600
    os.utime(default_storage.path(stale), (two_days_ago, two_days_ago))
    out = io.StringIO()
    call_command("clean_upload_tmp", stdout=out)
    assert not default_storage.exists(stale)
    assert default_storage.exists(fresh)
    assert "۱ پرونده نگه‌داشته" in out.getvalue()


# --- every form with a file field keeps the files of a refused submission --------------------
#
# A form with a file field is one whose template says enctype="multipart/form-data"; each is
# named here by the URL it posts to, with how to refuse it (a good file and a mistake
# elsewhere) and how to correct it without choosing the file again.

HELD_ID = re.compile(r'name="held_keep" value="([0-9a-f]{32})"')
GOOD_NAME = "پیوست درست.pdf"
MULTIPART_ACTION = re.compile(
    r"<form\b[^>]*(?:enctype=\"multipart/form-data\"[^>]*action=\"\{% url '([\w:]+)'"
    r"|action=\"\{% url '([\w:]+)'[^>]*enctype=\"multipart/form-data\")"
)


def _good_pdf(name: str = GOOD_NAME) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def _report_case(persona_client, working_group):
    directive = acknowledged(new_directive(working_group))
    url = reverse("resolutions:directive_report", args=[directive.pk])
    return {
        "client": persona_client("itmanager"),
        "url": url,
        # refused: the narrative is missing
        "refused": {"percent": "40", "narrative": "", "evidence": [_good_pdf()]},
        "corrected": {"percent": "40", "narrative": "کارگاه برگزار شد."},
        "stored": lambda: [
            e.original_name for e in Evidence.objects.filter(report__directive=directive)
        ],
    }


def _paper_case(persona_client, working_group):
    meeting = meeting_create(
        body=working_group,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place="استانداری",
        created_by=None,
    )
    item = agenda_item_add(meeting=meeting, title="گزارش پیشرفت پروژه‌ها")
    bad = SimpleUploadedFile("نامه.pdf", b"<!doctype html><script>x</script>", "application/pdf")
    return {
        "client": persona_client("secretary"),
        "url": reverse("committees:paper_add", args=[item.pk]),
        # refused: one bad file among the chosen ones (all or none are attached)
        "refused": {"file": [_good_pdf(), bad]},
        "corrected": {},
        "stored": lambda: [p.original_name for p in Paper.objects.filter(agenda_item=item)],
    }


FILE_FORMS = {
    "resolutions:directive_report": _report_case,
    "committees:paper_add": _paper_case,
}
#: forms with a file field that hold nothing, and why.
NOTHING_TO_HOLD = {
    # The public check of a document: the file is the whole question (nothing else is
    # typed), so a refusal is always about the file itself, and it is stored nowhere.
    "resolutions:verify",
}


def test_every_form_with_a_file_field_is_covered():
    found = set()
    for root in (
        Path(settings.BASE_DIR) / name
        for name in ("templates", "committees", "resolutions", "members", "egov_portal")
    ):
        for template in root.rglob("*.html"):
            for match in MULTIPART_ACTION.finditer(template.read_text(encoding="utf-8")):
                found.add(match.group(1) or match.group(2))
    assert found == set(FILE_FORMS) | NOTHING_TO_HOLD


@pytest.mark.parametrize("url_name", sorted(FILE_FORMS))
def test_refused_form_keeps_the_file_and_the_correction_needs_no_new_choice(
    url_name, persona_client, working_group, media_root
):
    case = FILE_FORMS[url_name](persona_client, working_group)
    client = case["client"]
    refused = client.post(case["url"], case["refused"])
    assert case["stored"]() == []
    page = client.get(refused["Location"]) if refused.status_code == 302 else refused
    html = page.content.decode()
    assert page.status_code == 200
    assert "پرونده نگه داشته شد" in html and GOOD_NAME in html
    held = HELD_ID.findall(html)
    assert len(held) == 1
    assert len([p for p in stored_files(media_root) if "held" in p.parts]) == 1

    accepted = client.post(case["url"], {**case["corrected"], "held_keep": held})
    assert accepted.status_code == 302
    assert case["stored"]() == [GOOD_NAME]
    assert [p for p in stored_files(media_root) if "held" in p.parts] == []
    assert "پرونده نگه داشته شد" not in client.get(accepted["Location"]).content.decode()


def test_paper_form_without_a_held_file_requires_a_choice(persona_client, working_group):
    case = _paper_case(persona_client, working_group)
    response = case["client"].post(case["url"], {})
    assert response.status_code == 302
    assert case["stored"]() == []
    page = case["client"].get(response["Location"]).content.decode()
    assert "پرونده‌ای انتخاب نشده است." in page
