"""Pictures of the portal's printed documents for the README: the first page of the demo
meeting's approved minutes and one of its directive letters.

Both are made by the portal's own code on the test database (the Gilan structure and the
demo data of ``tests/conftest.py``): the minutes as their PDF view serves them, the letter
by ``letter_pdf``; poppler's ``pdftoppm`` (Debian ``poppler-utils``, installed by .ci/run)
turns each first page into a PNG. ``tests/test_document_pictures.py`` calls
``document_pictures()``; ``make screenshots`` runs that test and copies the pictures to
docs/screenshots/ with the browser tests' screenshots (``tests.browser_helpers.publish``).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

#: Dots per inch of the pictures: an A4 page is 579 x 819 px at 70, legible in the README.
RESOLUTION = 70


def demo_meeting():
    """The demo's approved meeting of the working group (resolutions, a guest and
    working-day deadlines; ``resolutions.data.demo.demo_meetings``)."""
    from committees.models import Meeting, MeetingState

    return (
        Meeting.objects.filter(
            state=MeetingState.APPROVED,
            guests__isnull=False,
            resolutions__deadline_working_days__isnull=False,
            resolutions__directives__isnull=False,
        )
        .select_related("body")
        .distinct()
        .order_by("-starts_at")
        .first()
    )


def minutes_pdf(meeting) -> bytes:
    """The approved minutes' PDF as the portal serves it to the body's secretary."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(get_user_model().objects.get(username="secretary"))
    response = client.get(reverse("resolutions:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def letter_pdf(meeting) -> bytes:
    """The letter of the meeting's first directive (its first clause's responsible agency,
    so the copy list names the collaborating one and the secretariat)."""
    from resolutions.documents import letters

    return letters.letter_pdf(letters.meeting_directives(meeting).first())


def first_page_png(pdf: bytes, target: Path) -> Path:
    """The first page of ``pdf`` as ``target`` (a PNG of ``RESOLUTION`` dpi)."""
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing: apt-get install poppler-utils (.ci/run installs it)"
    target.parent.mkdir(parents=True, exist_ok=True)
    stem = target.with_suffix("")
    subprocess.run(
        [pdftoppm, "-r", str(RESOLUTION), "-png", "-f", "1", "-l", "1", "-singlefile", "-", stem],
        input=pdf,
        check=True,
        timeout=60,
    )
    return target


def document_pictures(directory: Path) -> dict[str, Path]:
    """Write ``minutes-page-1.png`` and ``letter-page-1.png`` into ``directory``; returns
    them by name (``minutes-page-1``, ``letter-page-1``)."""
    meeting = demo_meeting()
    assert meeting is not None, "the demo's approved meeting is missing: run seed_demo"
    return {
        "minutes-page-1": first_page_png(minutes_pdf(meeting), directory / "minutes-page-1.png"),
        "letter-page-1": first_page_png(letter_pdf(meeting), directory / "letter-page-1.png"),
    }
