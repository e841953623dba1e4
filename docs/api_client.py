#!/usr/bin/env python3
"""An example client of the portal's directives API, for an agency's own system.

Python 3.9+, standard library only. It pulls the agency's directives (every page, or only
those changed since a moment), acknowledges one and reports its progress with an evidence
file:

    export EGOV_URL=https://egov.gilan.example EGOV_KEY=egov_…
    python3 docs/api_client.py list [--state issued] [--since 2026-04-01T00:00:00+03:30]
    python3 docs/api_client.py acknowledge 42
    python3 docs/api_client.py report 42 --percent 40 --narrative "…" --file report.pdf

The key is made on the agency's page («کلیدهای سامانه», /agencies/<id>/api-tokens/) by its
IT manager; errors come back as JSON ``{"detail": …, "code": …}`` (README, "APIs").
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path


class ApiError(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(f"{status} {body.get('code')}: {body.get('detail')}")
        self.status, self.body = status, body


class DirectivesClient:
    def __init__(self, base_url: str, key: str):
        self.base_url = base_url.rstrip("/")
        self.key = key

    def _request(self, method: str, url: str, *, body: bytes | None = None, content_type=""):
        if not url.startswith("http"):
            url = f"{self.base_url}{url}"
        headers = {"Authorization": f"Bearer {self.key}", "Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise ApiError(error.code, json.loads(error.read() or b"{}")) from None

    def directives(self, *, state: str = "", modified_since: str = ""):
        """Every directive of the agency (following ``next`` page by page)."""
        query = {k: v for k, v in {"state": state, "modified_since": modified_since}.items() if v}
        url = "/api/v1/directives/" + (f"?{urllib.parse.urlencode(query)}" if query else "")
        while url:
            page = self._request("GET", url)
            yield from page["results"]
            url = page["next"]

    def directive(self, pk: int) -> dict:
        return self._request("GET", f"/api/v1/directives/{pk}/")

    def acknowledge(self, pk: int) -> dict:
        """Acknowledge receipt; repeating it is harmless."""
        return self._request("POST", f"/api/v1/directives/{pk}/acknowledge/")

    def report(self, pk: int, *, percent: int, narrative: str, files=(), final=False) -> dict:
        """A progress report with evidence files, sent as multipart/form-data."""
        boundary = uuid.uuid4().hex
        parts = []
        fields = {"percent": str(percent), "narrative": narrative, "final": "true" if final else ""}
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + value.encode()
                + b"\r\n"
            )
        for path in map(Path, files):
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            filename = urllib.parse.quote(path.name)
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="evidence"; '
                f"filename=\"{filename}\"; filename*=UTF-8''{filename}\r\n"
                f"Content-Type: {kind}\r\n\r\n".encode()
                + path.read_bytes()
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self._request(
            "POST",
            f"/api/v1/directives/{pk}/reports/",
            body=body,
            content_type=f"multipart/form-data; boundary={boundary}",
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    listing = sub.add_parser("list")
    listing.add_argument("--state", default="")
    listing.add_argument("--since", default="")
    sub.add_parser("acknowledge").add_argument("id", type=int)
    report = sub.add_parser("report")
    report.add_argument("id", type=int)
    report.add_argument("--percent", type=int, required=True)
    report.add_argument("--narrative", required=True)
    report.add_argument("--file", action="append", default=[])
    report.add_argument("--final", action="store_true")
    args = parser.parse_args(argv)

    client = DirectivesClient(os.environ["EGOV_URL"], os.environ["EGOV_KEY"])
    try:
        if args.command == "list":
            for d in client.directives(state=args.state, modified_since=args.since):
                due = d["due_date_jalali"] or "—"
                print(f"{d['id']}\t{d['letter_number']}\t{d['state']}\t{due}\t{d['progress']}%")
        elif args.command == "acknowledge":
            print(client.acknowledge(args.id)["state"])
        else:
            sent = client.report(
                args.id,
                percent=args.percent,
                narrative=args.narrative,
                files=args.file,
                final=args.final,
            )
            print(json.dumps(sent, ensure_ascii=False, indent=2))
    except ApiError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
