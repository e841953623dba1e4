"""Rows of the permission matrix for agenda papers: upload, download and delete.

Each kwargs maker builds its own working-group meeting with one agenda item (and, for
download and delete, one paper). The secretary's upload carries no file: it must end in
a redirect with an error message, not a 500.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from committees.models import AgendaItem, Body, BodyKind
from committees.services.meetings import agenda_item_add, meeting_create
from committees.services.papers import paper_add
from tests.permission_rows import every

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

READERS_200 = {**every(200), "anonymous": 404, "outsider": 404}
SECRETARIAT_302 = {**every(403), "admin": 302, "secretary": 302, "anonymous": 404, "outsider": 404}


def _item() -> AgendaItem:
    meeting = meeting_create(
        body=Body.objects.get(kind=BodyKind.WORKING_GROUP, jurisdiction="گیلان"),
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place="استانداری",
        created_by=None,
    )
    return agenda_item_add(meeting=meeting, title="گزارش پیشرفت پروژه‌ها")


def _paper_pk() -> dict:
    upload = SimpleUploadedFile("گزارش.pdf", MINIMAL_PDF, content_type="application/pdf")
    return {"pk": paper_add(item=_item(), uploaded_file=upload, user=None).pk}


ROWS = {
    "committees:paper_add": ("post", lambda: {"item_pk": _item().pk}, SECRETARIAT_302),
    "committees:paper_download": ("get", _paper_pk, READERS_200),
    "committees:paper_delete": ("post", _paper_pk, SECRETARIAT_302),
}
