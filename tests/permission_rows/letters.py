"""Rows of the permission matrix for directive letters and the background jobs that make
all of a meeting's letters."""

from __future__ import annotations

from committees.models import Body, BodyKind
from egov_portal.jobs.runner import job_save_result
from egov_portal.models import Job, JobState
from resolutions.documents.letters import MEETING_LETTERS
from resolutions.models import Directive
from tests.directive_helpers import education
from tests.meeting_helpers import user
from tests.permission_rows import every


def _wg() -> Body:
    return Body.objects.get(kind=BodyKind.WORKING_GROUP, jurisdiction="گیلان")


def _education_directive() -> Directive:
    """A demo directive of the working group to «اداره کل آموزش و پرورش»."""
    return Directive.objects.filter(body=_wg(), agency=education()).order_by("pk").first()


def _directive_pk() -> dict:
    return {"pk": _education_directive().pk}


def _meeting_pk() -> dict:
    return {"pk": _education_directive().resolution.meeting_id}


def _secretary_job() -> dict:
    """A finished job of the secretary's, with its result file."""
    meeting_id = _education_directive().resolution.meeting_id
    job = Job.objects.create(
        kind=MEETING_LETTERS,
        params={"meeting": meeting_id},
        created_by=user("secretary"),
        state=JobState.DONE,
        progress=100,
    )
    job_save_result(job, "letters.pdf", b"%PDF-1.4\n%%EOF\n")
    return {"pk": job.pk}


# The directive's readers: the agency's IT manager, the issuing body's secretariat and
# chair, the governor's office and the administrator; anyone else gets 404.
DIRECTIVE_READERS = {
    **every(404),
    "anonymous": 302,
    "admin": 200,
    "secretary": 200,
    "chair": 200,
    "itmanager": 200,
    "governor_office": 200,
}
# The body's secretariat, the governor's office and the administrator make the meeting's
# letters; the meeting's other readers get 403, everyone else 404.
LETTER_MAKERS = {
    **every(403),
    "anonymous": 302,
    "outsider": 404,
    "admin": 200,
    "secretary": 200,
    "governor_office": 200,
}
# A job is seen only by whoever started it (here the secretary) and the administrator.
JOB_OWNER = {**every(404), "anonymous": 302, "admin": 200, "secretary": 200}

ROWS = {
    "resolutions:directive_letter": ("get", _directive_pk, DIRECTIVE_READERS),
    "resolutions:meeting_letters": ("get", _meeting_pk, LETTER_MAKERS),
    "resolutions:job_detail": ("get", _secretary_job, JOB_OWNER),
    "resolutions:job_status": ("get", _secretary_job, JOB_OWNER),
    "resolutions:job_download": ("get", _secretary_job, JOB_OWNER),
}
