"""Evidence files of progress reports: checked by content, stored privately."""

from __future__ import annotations

from django.utils.translation import gettext as _

from egov_portal.uploads import UploadInfo, clean_file_name, inspect_upload
from resolutions.models import Evidence, ProgressReport


def evidence_check(files) -> list[tuple[object, UploadInfo]]:
    """Inspect every file before anything is stored, so one bad file changes nothing."""
    return [(uploaded, inspect_upload(uploaded)) for uploaded in files]


def evidence_store(*, report: ProgressReport, checked) -> list[Evidence]:
    """Store checked files; if any write fails, the files already stored are removed."""
    stored: list[Evidence] = []
    try:
        for uploaded, info in checked:
            evidence = Evidence(
                report=report,
                original_name=clean_file_name(uploaded.name) or f"{_('مستند')}.{info.extension}",
                content_type=info.content_type,
                size=info.size,
                sha256=info.sha256,
            )
            evidence.file.save("evidence", uploaded, save=False)
            stored.append(evidence)
            evidence.save()
    except BaseException:
        for evidence in stored:
            evidence.file.storage.delete(evidence.file.name)
        raise
    return stored
