"""Speed of the main pages and the PDF, on a throwaway SQLite database (``make bench``).

Targets (on the 2-core reference machine): the structure page under 60 ms, a body page
under 60 ms, the structure PDF under 2.5 s. Numbers are printed, and the run exits
non-zero when a target is missed, so a regression is visible without timing unit tests.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_portal.test_settings")
_db = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)  # noqa: SIM115
os.environ["DATABASE_URL"] = f"sqlite:///{_db.name}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

TARGETS_MS = {"/": 60, "body": 60, "/print/": 2500}


def measure(client: Client, url: str, repeat: int) -> tuple[float, int]:
    client.get(url)  # warm caches and templates
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), len(queries)


def main() -> int:
    call_command("migrate", verbosity=0)
    call_command("load_structure", verbosity=0)
    from resolutions.data.demo import demo_seed

    demo_seed(password="benchmark-password")
    from committees.models import Body, BodyKind

    body = Body.objects.get(kind=BodyKind.WORKING_GROUP)
    client = Client()
    failed = False
    for key, url, repeat in (
        ("/", "/", 30),
        ("body", f"/bodies/{body.pk}/", 30),
        ("/print/", "/print/", 3),
    ):
        median, queries = measure(client, url, repeat)
        ok = median <= TARGETS_MS[key]
        failed |= not ok
        print(
            f"{url:<16} median {median:8.1f} ms  ({queries} queries)  "
            f"target {TARGETS_MS[key]} ms  {'ok' if ok else 'SLOW'}"
        )
    os.unlink(_db.name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
