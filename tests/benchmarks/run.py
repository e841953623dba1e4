"""The portal as production runs it, at 1 and 10 years of a province's data (``make bench``).

For each number of years (``make bench YEARS="1"`` for a quick run): a PostgreSQL database
``egov_bench_<N>y`` seeded by ``manage.py seed_scale --years N`` (kept between runs while
its marker — seed_scale's version, years and seed, stored as the database's comment —
matches), static files collected into a temporary directory, a private Redis when
``redis-server`` is installed, and gunicorn with 3 workers, ``DEBUG=0``, on a free port of
127.0.0.1. wrk drives each main page as its usual user at a fixed concurrency; a bare view
(two bytes, ``BENCH_BARE_VIEW=1``) through the same middleware is the baseline. Queries per
page are counted in-process with the test client against the same database.

Also: the approved minutes' PDF against WeasyPrint rendering a plain document of the same
page count, 300 directive letters in the background job (time and peak RSS of the worker
process) and the full dashboard's Excel and PDF exports.

Targets are ratios (issue 14), printed with each figure as PASS/FAIL; nothing here is a
unit test. The table is printed and written to ``docs/benchmarks.md``.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
SEED = 1405
PASSWORD = "bench-password-" + "x" * 8
LOAD_BEFORE = os.getloadavg()[0]  # figures taken on a busy machine say so

# (key, label, persona, public) — the URL is found in the seeded database by the worker.
PAGES = [
    ("bare", "bare view (2 bytes)", "anonymous", True),
    ("structure", "structure /", "anonymous", True),
    ("agencies", "agencies /agencies/", "anonymous", True),
    ("body", "a body /bodies/<wg>/", "anonymous", True),
    ("public_resolutions", "public resolutions", "anonymous", True),
    ("meeting", "a meeting (secretary)", "secretary", False),
    ("inbox", "inbox (IT manager)", "itmanager", False),
    ("directive", "a directive (IT manager)", "itmanager", False),
    ("register", "register (secretary)", "secretary", False),
    ("dashboard", "dashboard (governor's office)", "governor_office", False),
    ("search", "search (secretary)", "secretary", False),
    ("calendar", "calendar (secretary)", "secretary", False),
    ("api_directives", "API /api/v1/directives/ (agency system)", "agency_system", False),
]
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH p50=%d p95=%d\\n", latency:percentile(50), latency:percentile(95)))
end
"""


# --- the parent: databases, servers, load ------------------------------------------------


def psql(sql: str, db: str = "postgres") -> str:
    return subprocess.run(
        ["psql", f"{PG}/{db}", "-Atqc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, path: str = "/bench/bare/", timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2).read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server on port {port} did not answer")


def marker(years: int) -> str:
    source = (ROOT / "resolutions" / "data" / "scale.py").read_text(encoding="utf-8")
    version = re.search(r"^SCALE_VERSION = (\d+)", source, re.M).group(1)  # without Django
    return f"seed_scale v{version} years={years} seed={SEED}"


def prepare_database(years: int, env: dict) -> str:
    name = f"egov_bench_{years}y"
    wanted = marker(years)
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"
    comment = psql(
        f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{name}'"
    )
    if exists and comment.startswith(wanted):
        print(f"[{name}] cached ({comment}); migrating", flush=True)
        subprocess.run(
            [PY, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=ROOT,
            env={**env, "DATABASE_URL": f"{PG}/{name}"},
            check=True,
        )
        return name
    psql(f'DROP DATABASE IF EXISTS "{name}"')
    shutil.rmtree(media_root(name), ignore_errors=True)  # its files go with it
    psql(f'CREATE DATABASE "{name}"')
    media_root(name).mkdir(parents=True, exist_ok=True)
    env = {**env, "DATABASE_URL": f"{PG}/{name}", "MEDIA_ROOT": str(media_root(name))}
    subprocess.run([PY, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    started = time.monotonic()
    subprocess.run(
        [PY, "manage.py", "seed_scale", f"--years={years}", f"--seed={SEED}", "-v2"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    took = time.monotonic() - started
    psql(f"COMMENT ON DATABASE \"{name}\" IS '{wanted} built_in={took:.0f}s'")
    print(f"[{name}] seeded in {took:.0f} s", flush=True)
    return name


def wrk(url: str, header: str, lua: Path) -> dict:
    """``header``: the persona's credentials (its session cookie, or an agency system's
    ``Authorization``), empty for a visitor."""
    # A slow page's requests count in its latency instead of being dropped as timeouts.
    cmd = [
        "wrk",
        "-t2",
        f"-c{CONNECTIONS}",
        f"-d{SECONDS}s",
        "--timeout",
        "60s",
        "-s",
        str(lua),
        url,
    ]
    if header:
        cmd[1:1] = ["-H", header]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50, p95 = (int(x) / 1000 for x in re.search(r"BENCH p50=(\d+) p95=(\d+)", out).groups())
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50_ms": p50,
        "p95_ms": p95,
        "errors": int(errors.group(1)) if errors else 0,
    }


def media_root(name: str) -> Path:
    """The stored files of the bench database ``name`` (the archived minutes filed on a
    first download, say), kept beside it between runs: a database that names files of a
    media folder gone with an earlier run would serve errors instead of documents."""
    return ROOT / ".bench" / name / "media"


def bench_years(years: int, base_env: dict, work: Path) -> dict:
    name = prepare_database(years, base_env)
    media = media_root(name)
    media.mkdir(parents=True, exist_ok=True)
    env = {**base_env, "DATABASE_URL": f"{PG}/{name}", "MEDIA_ROOT": str(media)}
    # The in-process part first: sessions, URLs, query counts, documents, jobs, exports.
    result_file = work / f"worker-{years}.json"
    port = free_port()
    gunicorn = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "egov_portal.wsgi",
            "--workers=3",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(port)
        subprocess.run(
            [PY, "-m", "tests.benchmarks.run", "--worker", str(result_file), str(port)],
            cwd=ROOT,
            env=env,
            check=True,
        )
        data = json.loads(result_file.read_text())
        lua = work / "p95.lua"
        lua.write_text(LUA)
        for key, _label, persona, _public in PAGES:
            url = f"http://127.0.0.1:{port}{data['urls'][key]}"
            header = data["headers"].get(persona, "")
            wrk(url, header, lua)  # warm up (and caches)
            data.setdefault("load", {})[key] = wrk(url, header, lua)
            print(f"[{years}y] {key:<20} {data['load'][key]}", flush=True)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    return data


def start_redis(work: Path) -> tuple[subprocess.Popen | None, str]:
    if os.environ.get("REDIS_URL"):
        return None, os.environ["REDIS_URL"]
    server = shutil.which("redis-server")
    if not server:
        return None, ""
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        cwd=work,
    )
    time.sleep(0.5)
    return process, f"redis://127.0.0.1:{port}/0"


def verdict(ok: bool | None) -> str:
    return "" if ok is None else ("PASS" if ok else "FAIL")


def table(results: dict[int, dict], redis: bool) -> str:
    years = sorted(results)
    low, high = years[0], years[-1]
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on this machine ({os.cpu_count()} cores): "
        f"PostgreSQL, gunicorn 3 workers, DEBUG=0, {'Redis' if redis else 'local-memory'} "
        f"cache, wrk {CONNECTIONS} connections × {SECONDS} s per page; load average "
        f"{LOAD_BEFORE:.1f} before the run, {os.getloadavg()[0]:.1f} after. Queries are "
        "those of a cold request (Django's cache emptied first): what a page costs when "
        "nothing is kept.",
        "",
    ]
    header = "| page | " + " | ".join(
        f"{y}y req/s | {y}y p50 ms | {y}y p95 ms | {y}y queries | {y}y share of bare" for y in years
    )
    if len(years) > 1:
        header += f" | {high}y/{low}y time | {high}y/{low}y queries"
    header += " | target | verdict |"
    lines += [header, "|" + "---|" * (header.count("|") - 1)]
    for key, label, _persona, public in PAGES:
        cells, ok = [], True
        target = "" if key == "bare" else ("≥ 50 % of bare" if public else "≥ 10 % of bare")
        for y in years:
            load = results[y]["load"][key]
            share = load["rps"] / results[y]["load"]["bare"]["rps"]
            queries = results[y]["queries"][key]
            cells += [f"{load['rps']:.0f}", f"{load['p50_ms']:.1f}", f"{load['p95_ms']:.1f}",
                      str(queries), f"{share:.1%}"]  # fmt: skip
            if key != "bare" and y == high:
                ok &= share >= (0.5 if public else 0.1)
            ok &= load["errors"] == 0
        if len(years) > 1:
            a, b = results[low], results[high]
            time_ratio = b["load"][key]["p50_ms"] / max(a["load"][key]["p50_ms"], 0.001)
            query_ratio = b["queries"][key] / max(a["queries"][key], 1)
            cells += [f"{time_ratio:.2f}", f"{query_ratio:.2f}"]
            if key != "bare":
                target += "; ≤ 1.3× from 1 to 10 years"
                ok &= time_ratio <= 1.3 and query_ratio <= 1.3
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {target} | {verdict(ok)} |")
    lines += [
        "",
        "| document or job | " + " | ".join(f"{y}y" for y in years) + " | target | verdict |",
    ]
    lines.append("|" + "---|" * (len(years) + 3))
    top = results[high]["documents"]
    rows = [
        ("minutes PDF (s, pages)", lambda d: f"{d['minutes_pdf_s']:.2f} s, {d['minutes_pages']} p",
         "", None),
        ("WeasyPrint, plain document of the same pages (s)", lambda d: f"{d['plain_pdf_s']:.2f} s",
         "", None),
        ("minutes PDF / plain", lambda d: f"{d['minutes_pdf_s'] / d['plain_pdf_s']:.2f}",
         "≤ 1.5", top["minutes_pdf_s"] / top["plain_pdf_s"] <= 1.5),
        ("letters job (s for N letters)", lambda d: f"{d['letters_s']:.1f} s / {d['letters']}",
         "300 in < 60 s", top["letters_s"] * 300 / max(top["letters"], 1) < 60),
        ("letters worker peak RSS (MB)", lambda d: f"{d['letters_rss_mb']:.0f}", "< 400 MB",
         top["letters_rss_mb"] < 400),
        ("dashboard Excel export (s)", lambda d: f"{d['xlsx_s']:.2f}", "< 10 s", top["xlsx_s"] < 10),
        ("dashboard PDF export (s)", lambda d: f"{d['dashboard_pdf_s']:.2f}", "< 10 s",
         top["dashboard_pdf_s"] < 10),
    ]  # fmt: skip
    for label, show, target, ok in rows:
        cells = [show(results[y]["documents"]) for y in years]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {target} | {verdict(ok)} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    years_list = [int(y) for y in (argv or os.environ.get("YEARS", "1 10").split())]
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: sudo apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="egov-bench-"))
    (work / "media").mkdir()
    (work / "upload-tmp").mkdir()
    redis, redis_url = start_redis(work)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egov_portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "EMAIL_URL": "locmem://",
        "BENCH_BARE_VIEW": "1",
        "DEMO_PASSWORD": PASSWORD,
        "REDIS_URL": redis_url,
        "API_RATE_LIMIT": "1000000/min",
    }
    try:
        subprocess.run(
            [PY, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
        )
        results = {years: bench_years(years, env, work) for years in years_list}
    finally:
        if redis is not None:
            redis.terminate()
        shutil.rmtree(work, ignore_errors=True)
    text = table(results, bool(redis_url))
    print("\n" + text)
    docs = ROOT / "docs" / "benchmarks.md"
    docs.write_text(
        "# Benchmarks\n\nThe latest table of `make bench` (tests/benchmarks/run.py); "
        "targets from issue 14.\n\n" + text + "\n",
        encoding="utf-8",
    )
    return 1 if "FAIL" in text else 0


# --- the worker: in-process against the bench database ----------------------------------


def worker(result_file: str, port: int) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from committees.models import Body, BodyKind, Meeting, MeetingState
    from egov_portal.jobs import runner
    from members.models import Agency
    from members.services import agency_api_token_create
    from resolutions.models import Directive

    users = get_user_model().objects
    group = Body.objects.get(kind=BodyKind.WORKING_GROUP)
    # The IT manager with the most directives: the busiest inbox.
    busiest = (
        Directive.objects.values("agency").annotate(n=Count("pk")).order_by("-n").first()["agency"]
    )
    manager = users.filter(
        agencyuserobjectpermission__content_object_id=busiest,
        agencyuserobjectpermission__permission__codename="manage_agency_directives",
    ).first()
    personas = {
        "itmanager": manager,
        "secretary": users.get(username="secretary"),
        "governor_office": users.get(username="governor_office"),
    }
    approved = Meeting.objects.filter(body=group, state=MeetingState.APPROVED)
    meeting = approved.annotate(n=Count("resolutions")).order_by("-n", "-starts_at").first()
    urls = {
        "bare": "/bench/bare/",
        "structure": "/",
        "agencies": "/agencies/",
        "body": f"/bodies/{group.pk}/",
        "public_resolutions": "/public/resolutions/",
        "meeting": f"/meetings/{meeting.pk}/",
        "inbox": "/directives/",
        "directive": f"/directives/{Directive.objects.filter(agency=busiest).first().pk}/",
        "register": "/resolutions/",
        "dashboard": "/dashboard/",
        "search": "/search/?q=%D8%A7%D9%85%D9%86%DB%8C%D8%AA",
        "calendar": "/calendar/",
        "api_directives": "/api/v1/directives/",
    }
    clients = {"anonymous": Client()}
    headers = {}
    for persona, user in personas.items():
        clients[persona] = Client()
        clients[persona].force_login(user)
        headers[persona] = f"Cookie: sessionid={clients[persona].cookies['sessionid'].value}"
    # The busiest agency's system, with a key of its own (the API's rate limit is lifted
    # for the run: BENCH's API_RATE_LIMIT).
    _token, secret = agency_api_token_create(
        agency=Agency.objects.get(pk=busiest),
        name=f"bench {secrets.token_hex(4)}",
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    headers["agency_system"] = f"Authorization: Bearer {secret}"
    clients["agency_system"] = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    queries = {}
    for key, _label, persona, _public in PAGES:
        clients[persona].get(urls[key])  # warm
        cache.clear()  # a public page's queries are those of rendering it, not of a hit
        with CaptureQueriesContext(connection) as captured:
            response = clients[persona].get(urls[key])
        if response.status_code != 200:
            raise SystemExit(f"{urls[key]} as {persona}: HTTP {response.status_code}")
        queries[key] = len(captured)
    documents = documents_bench(clients, meeting, personas, runner)
    Path(result_file).write_text(
        json.dumps({"urls": urls, "headers": headers, "queries": queries, "documents": documents})
    )


def timed(call, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def documents_bench(clients, meeting, personas, runner) -> dict:
    import io

    from django.db.models import Count
    from pypdf import PdfReader

    from committees.models import Meeting
    from egov_portal.models import Job
    from resolutions.documents.letters import MEETING_LETTERS

    secretary = clients["secretary"]
    pdf_url = f"/meetings/{meeting.pk}/minutes.pdf"
    response = secretary.get(pdf_url)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    pages = len(PdfReader(io.BytesIO(content)).pages)
    minutes_s = timed(lambda: secretary.get(pdf_url))
    plain_s = timed(lambda: plain_pdf(pages))
    # The letters job, in a process of its own (as a worker runs it): time and peak RSS.
    letters_meeting = (
        Meeting.objects.annotate(n=Count("resolutions__directives"))
        .filter(n__gte=300)
        .order_by("n")
        .first()
    ) or Meeting.objects.annotate(n=Count("resolutions__directives")).order_by("-n").first()
    job = Job.objects.create(
        kind=MEETING_LETTERS,
        params={"meeting": letters_meeting.pk},
        created_by=personas["secretary"],
    )
    script = (
        "import django,time;django.setup();from egov_portal.jobs import runner;"
        f"t=time.perf_counter();runner.run_job('{job.pk}');print('SECONDS',time.perf_counter()-t)"
    )
    out = subprocess.run(
        ["/usr/bin/time", "-f", "RSS_KB %M", PY, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    seconds = float(re.search(r"SECONDS ([\d.]+)", out.stdout).group(1))
    rss_kb = int(re.search(r"RSS_KB (\d+)", out.stderr).group(1))
    job.refresh_from_db()
    governor = clients["governor_office"]
    xlsx_s = timed(lambda: governor.get("/dashboard/export.xlsx"), repeat=1)
    dashboard_pdf_s = timed(lambda: governor.get("/dashboard/export.pdf"), repeat=1)
    return {
        "minutes_pdf_s": minutes_s,
        "minutes_pages": pages,
        "plain_pdf_s": plain_s,
        "letters": letters_meeting.n,
        "letters_s": seconds,
        "letters_state": job.state,
        "letters_rss_mb": rss_kb / 1024,
        "xlsx_s": xlsx_s,
        "dashboard_pdf_s": dashboard_pdf_s,
    }


def plain_pdf(pages: int) -> None:
    """WeasyPrint's own rate: a plain document of ``pages`` pages of Persian text."""
    from weasyprint import HTML

    paragraph = "<p>" + "متن ساده برای سنجش سرعت چاپ. " * 40 + "</p>"
    body = "".join(
        f'<div style="page-break-after: always">{paragraph * 3}</div>' for _ in range(pages)
    )
    HTML(
        string=f'<html dir="rtl"><body style="font-family: Vazirmatn">{body}</body></html>'
    ).write_pdf()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        worker(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(main(sys.argv[1:]))
