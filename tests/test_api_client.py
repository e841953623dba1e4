"""The example client in ``docs/api_client.py`` against the live test server: it pulls the
agency's directives, acknowledges one and reports progress with a file."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from committees.models import Body, BodyKind
from resolutions.models import DirectiveState
from tests.api_helpers import MINIMAL_PDF, agency_key, directive_for
from tests.directive_helpers import education, water

ROOT = Path(__file__).resolve().parent.parent


def _client_module():
    spec = importlib.util.spec_from_file_location("api_client", ROOT / "docs" / "api_client.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_client_pulls_acknowledges_and_reports(gilan, live_server, tmp_path, settings):
    settings.ALLOWED_HOSTS = ["*"]
    body = Body.objects.get(kind=BodyKind.WORKING_GROUP, jurisdiction="گیلان")
    mine = directive_for(education(), body)
    theirs = directive_for(water(), body)
    _token, secret = agency_key(education())
    api = _client_module()
    client = api.DirectivesClient(live_server.url, secret)

    ids = [d["id"] for d in client.directives()]
    assert mine.pk in ids and theirs.pk not in ids
    issued = [d["id"] for d in client.directives(state="issued")]
    assert mine.pk in issued

    assert client.acknowledge(mine.pk)["state"] == "acknowledged"
    evidence = tmp_path / "گزارش پیشرفت.pdf"
    evidence.write_bytes(MINIMAL_PDF)
    report = client.report(mine.pk, percent=40, narrative="نسخه آزمایشی", files=[evidence])
    assert report["percent"] == 40
    assert [e["name"] for e in report["evidence"]] == ["گزارش پیشرفت.pdf"]
    mine.refresh_from_db()
    assert (mine.state, mine.progress) == (DirectiveState.IN_PROGRESS, 40)

    with pytest.raises(api.ApiError) as refused:
        client.acknowledge(theirs.pk)
    assert (refused.value.status, refused.value.body["code"]) == (404, "not_found")
