"""The production stack, booted the way `make serve` and deploy/ run it, in subprocesses.

One module fixture builds a fresh installation and starts it: ``collectstatic`` into a
temporary folder while ``migrate``, ``load_structure`` and ``seed_demo`` fill a database of
its own (a PostgreSQL database created for the run and dropped after it when
``DATABASE_URL`` points at PostgreSQL, as in CI; a SQLite file otherwise); then two gunicorn
instances (``deploy/gunicorn.conf.py``) and a Celery worker, all with ``DEBUG=0``, the same
database and the same Redis (``redis://127.0.0.1:6379/14``, emptied before and after;
``EGOV_PRODUCTION_REDIS_URL`` names another). The tests then speak HTTP to 127.0.0.1 only.

The settings are production's own: SSL redirect, secure cookies and HSTS stay on. The
tests talk to gunicorn as nginx does (deploy/nginx-egov-portal.conf): plain HTTP with
``X-Forwarded-Proto: https``, trusted because ``BEHIND_TLS_PROXY=1``. So there is no need to
turn ``SECURE_SSL_REDIRECT`` or ``SECURE_COOKIES`` off, which would test another
configuration than the one deployed; a ``Secure`` cookie is only a browser's concern, and
this client sends it back over the loopback itself.

Every subprocess is started in a session of its own and ended (its process group: gunicorn's
workers and Celery's pool with it) by the fixture's finalizer, however the tests end. A
missing dependency (Redis, gunicorn, Brotli, PostgreSQL) fails the tests, never skips them.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import importlib.util
import io
import json
import os
import re
import runpy
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.conf import settings as django_settings
from pypdf import PdfReader

pytestmark = pytest.mark.production

BASE_DIR = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("EGOV_PRODUCTION_REDIS_URL", "redis://127.0.0.1:6379/14")
DEMO_PASSWORD = "production-test-" + "p" * 12
COMMAND_TIMEOUT = 120  # one management command, at most
BOOT_TIMEOUT = 30  # a gunicorn instance answering
JOB_TIMEOUT = 60  # the meeting's letters made by the Celery worker
HTTP_TIMEOUT = 30
ONE_YEAR = 365 * 24 * 60 * 60
# As deploy/egov-portal.service and deploy/egov-portal-worker.service start them (the worker
# with one process and without the chatter between workers, which a single one does not need).
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "egov_portal.wsgi"]
WORKER = [
    *(sys.executable, "-m", "celery", "-A", "egov_portal", "worker", "--pool=solo", "-l", "info"),
    *("--without-gossip", "--without-mingle", "--without-heartbeat"),
]

# Run by `manage.py shell -c` once the data is in: what the tests need to know of it, and a
# value written through Django's cache (read back from Redis by a test).
LOOKUP = """
import json
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.db.models import Count
from django.urls import reverse
from committees.models import Meeting
from resolutions.models import Directive
meeting = (
    Meeting.objects.annotate(n=Count("resolutions__directives"))
    .filter(n__gt=0).order_by("-n", "pk").first()
)
cache.set("production-test", "written by manage.py", 300)
print("LOOKUP " + json.dumps({
    "letters_url": reverse("resolutions:meeting_letters", args=[meeting.pk]),
    "letters": Directive.objects.filter(resolution__meeting=meeting).count(),
    "secretary": get_user_model().objects.get(username="secretary").get_full_name(),
    "cache_backend": type(caches["default"]).__name__,
}))
"""


# --- settings and deploy/ files, read without starting anything ---------------------------------

DEPLOY = BASE_DIR / "deploy"
SETTINGS_FILE = BASE_DIR / "egov_portal" / "settings.py"
SETTINGS_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "REDIS_URL",
    "REDIS_CACHE_URL",
    "CONN_MAX_AGE",
    "DISABLE_SERVER_SIDE_CURSORS",
)


def _settings_with(monkeypatch, **env: str) -> dict:
    """egov_portal/settings.py run afresh (a development base) with these variables."""
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DEBUG", "1")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def _env_file(path: Path) -> dict[str, str]:
    """VARIABLE=value lines, as systemd's EnvironmentFile= reads them (quotes removed)."""
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip().strip('"')
    return values


def test_settings_cache_is_on_redis_when_redis_url_is_set(monkeypatch):
    settings = _settings_with(monkeypatch, REDIS_URL="redis://cache.example:6379/0")
    cache = settings["CACHES"]["default"]
    assert cache["BACKEND"] == "egov_portal.cache.ReusedClientRedisCache"
    assert cache["LOCATION"] == "redis://cache.example:6379/0"
    # Sessions are in the database every instance shares, with a copy in that shared cache
    # (never in one process's memory).
    assert settings["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


def test_settings_cache_may_have_a_redis_database_of_its_own(monkeypatch):
    settings = _settings_with(
        monkeypatch, REDIS_URL="redis://r:6379/0", REDIS_CACHE_URL="redis://r:6379/1"
    )
    assert settings["REDIS_URL"] == "redis://r:6379/0"  # Celery's
    assert settings["CACHES"]["default"]["LOCATION"] == "redis://r:6379/1"


def test_settings_cache_is_local_memory_without_redis(monkeypatch):
    settings = _settings_with(monkeypatch)
    backend = settings["CACHES"]["default"]["BACKEND"]
    assert backend == "django.core.cache.backends.locmem.LocMemCache"
    # A per-process cache never holds sessions: another process would not find them.
    assert settings["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_settings_for_pgbouncer_transaction_pooling(monkeypatch):
    database = _settings_with(monkeypatch)["DATABASES"]["default"]
    assert (database["CONN_MAX_AGE"], database["DISABLE_SERVER_SIDE_CURSORS"]) == (60, False)
    database = _settings_with(monkeypatch, CONN_MAX_AGE="0", DISABLE_SERVER_SIDE_CURSORS="1")[
        "DATABASES"
    ]["default"]
    assert (database["CONN_MAX_AGE"], database["DISABLE_SERVER_SIDE_CURSORS"]) == (0, True)


def test_deploy_env_example_is_a_production_configuration_once_given_a_key(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    example = _env_file(DEPLOY / "egov-portal.env.example")
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in example.items():
        monkeypatch.setenv(name, value)
    # Copied as it is, the example does not start: its SECRET_KEY is empty.
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        runpy.run_path(str(SETTINGS_FILE))
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(50))
    settings = runpy.run_path(str(SETTINGS_FILE))
    assert settings["DEBUG"] is False
    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert settings["SESSION_COOKIE_SECURE"] and settings["SECURE_SSL_REDIRECT"]
    assert settings["CACHES"]["default"]["LOCATION"] != settings["REDIS_URL"]
    assert settings["STORAGES"]["staticfiles"]["BACKEND"] == (
        "egov_portal.storage.PortalStaticFilesStorage"
    )


def test_deploy_files_agree_with_each_other_and_with_the_settings(monkeypatch):
    example = _env_file(DEPLOY / "egov-portal.env.example")
    web = (DEPLOY / "egov-portal.service").read_text()
    worker = (DEPLOY / "egov-portal-worker.service").read_text()
    nginx = (DEPLOY / "nginx-egov-portal.conf").read_text()
    # Both units read the same settings, run from the same checkout and venv.
    for unit in (web, worker):
        assert "EnvironmentFile=/etc/egov-portal/env\n" in unit
        assert "WorkingDirectory=/srv/egov-portal\n" in unit
    assert "/.venv/bin/gunicorn -c deploy/gunicorn.conf.py egov_portal.wsgi\n" in web
    assert "/.venv/bin/celery -A egov_portal worker" in worker
    # nginx proxies to where gunicorn listens, and lets the largest upload through.
    assert f"server {example['GUNICORN_BIND']} fail_timeout=0;" in nginx
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", nginx)[1])
    upload_max = _settings_with(monkeypatch)["UPLOAD_MAX_BYTES"]
    assert upload_max < megabytes * 1024 * 1024 <= upload_max + 2 * 1024 * 1024


# --- a small HTTP client, speaking to gunicorn as the TLS proxy does -------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


@dataclass
class Visitor:
    """One browser: its cookies (with their attributes), sent to whichever instance."""

    cookies: SimpleCookie = field(default_factory=SimpleCookie)

    def request(
        self,
        port: int,
        method: str,
        path: str,
        *,
        form: dict | None = None,
        headers: dict | None = None,
        https: bool = True,
    ) -> Response:
        sent = {"Accept-Encoding": "identity", **(headers or {})}
        if https:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = f"https://127.0.0.1:{port}"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            response = Response(raw.status, raw.headers, raw.read())
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        return response

    def get(self, port: int, path: str, **kwargs) -> Response:
        return self.request(port, "GET", path, **kwargs)


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert match, f"no {name} field in the page"
    return match[1]


def _sign_in(visitor: Visitor, port: int, username: str) -> Response:
    page = visitor.get(port, "/accounts/login/")
    assert page.status == 200, page.status
    token = _hidden(page.text, "csrfmiddlewaretoken")
    return visitor.request(
        port,
        "POST",
        "/accounts/login/",
        form={"csrfmiddlewaretoken": token, "username": username, "password": DEMO_PASSWORD},
    )


# --- the stack ---------------------------------------------------------------------------------


@dataclass
class Stack:
    env: dict
    static_root: Path
    logs: Path
    collectstatic: subprocess.CompletedProcess | None = None
    lookup: dict = field(default_factory=dict)
    ports: dict = field(default_factory=dict)
    processes: dict = field(default_factory=dict)

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def _require(module: str, hint: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.fail(f"{module} is not installed: {hint}", pytrace=False)


def _redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(
            f"Redis is not reachable at {REDIS_URL} ({error}). The production test needs it: "
            "`sudo apt-get install redis-server && sudo service redis-server start` (or "
            "`redis-server --daemonize yes`), or point EGOV_PRODUCTION_REDIS_URL at a Redis "
            "database that may be emptied.",
            pytrace=False,
        )
    return client


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _postgres_connection(db: dict):
    import psycopg2

    try:
        connection = psycopg2.connect(
            dbname="postgres",
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or None,
            connect_timeout=5,
        )
    except psycopg2.Error as error:
        pytest.fail(f"PostgreSQL is not reachable ({error})", pytrace=False)
    connection.autocommit = True
    return connection


def _database(tmp: Path, request) -> str:
    """A database of the run's own: on the test suite's PostgreSQL server when the suite
    runs on PostgreSQL (created now, dropped by the finalizer), a SQLite file otherwise."""
    db = django_settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        return f"sqlite:///{tmp / 'portal.sqlite3'}"
    name = f"egov_production_test_{secrets.token_hex(4)}"
    connection = _postgres_connection(db)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()

    def drop() -> None:
        connection = _postgres_connection(db)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()

    request.addfinalizer(drop)
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}{port}/{name}"


def _manage(stack: Stack, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stderr[-4000:]}"
    return result


def _start(stack: Stack, name: str, command: list[str], **extra_env) -> subprocess.Popen:
    log = (stack.logs / f"{name}.log").open("w")
    process = subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env={**stack.env, **extra_env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the finalizer ends its children too
    )
    log.close()
    stack.processes[name] = process
    return process


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
        os.killpg(process.pid, signum)  # the group _start made: this process and its children


def _stop_all(processes: list[subprocess.Popen]) -> None:
    """SIGTERM to every group at once (gunicorn and Celery shut down gracefully), then
    SIGKILL to whatever still runs after 15 s."""
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait(timeout=5)


def _wait_until_serving(stack: Stack, name: str) -> None:
    port, process = stack.ports[name], stack.processes[name]
    deadline = time.monotonic() + BOOT_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn {name} exited ({process.returncode}):\n{stack.log(name)}")
        try:
            Visitor().get(port, "/favicon.ico")
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn {name} did not answer in {BOOT_TIMEOUT} s:\n{stack.log(name)}")


@pytest.fixture(scope="module")
def stack(request, tmp_path_factory):
    _require("gunicorn", "pip install -r requirements.txt")
    _require("brotli", "pip install -r requirements.txt (whitenoise's Brotli files)")
    redis_client = _redis_client()
    redis_client.flushdb()
    request.addfinalizer(redis_client.flushdb)

    tmp = tmp_path_factory.mktemp("production")
    (tmp / "logs").mkdir()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp)),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "egov_portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BEHIND_TLS_PROXY": "1",
        "DATABASE_URL": _database(tmp, request),
        "REDIS_URL": REDIS_URL,
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "EMAIL_URL": "locmem://",
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "1",
    }
    stack = Stack(env=env, static_root=tmp / "static", logs=tmp / "logs")

    request.addfinalizer(lambda: _stop_all(list(stack.processes.values())))

    # collectstatic (compressing with Brotli takes a while) runs while the database is built.
    collect = _start(
        stack, "collectstatic", [sys.executable, "manage.py", "collectstatic", "--no-input"]
    )
    _manage(stack, "migrate", "--no-input")
    _manage(stack, "load_structure")
    _manage(stack, "seed_demo")
    lookup = _manage(stack, "shell", "-c", LOOKUP).stdout
    stack.lookup = json.loads(lookup.split("LOOKUP ", 1)[1])
    try:
        collect.wait(timeout=COMMAND_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"collectstatic still runs after {COMMAND_TIMEOUT} s")
    stack.collectstatic = subprocess.CompletedProcess(
        collect.args, collect.returncode, stack.log("collectstatic"), ""
    )

    for name in ("a", "b"):
        stack.ports[name] = _free_port()
        _start(
            stack,
            name,
            GUNICORN,
            GUNICORN_BIND=f"127.0.0.1:{stack.ports[name]}",
        )
    _start(stack, "worker", WORKER)
    for name in ("a", "b"):
        _wait_until_serving(stack, name)
    return stack


# --- the tests ---------------------------------------------------------------------------------


def test_production_collectstatic_succeeds_with_the_third_party_date_picker_theme(stack):
    assert stack.collectstatic.returncode == 0, stack.collectstatic.stdout
    manifest = json.loads((stack.static_root / "staticfiles.json").read_text())["paths"]
    theme = "admin/jquery.ui.datepicker.jalali/themes/base/jquery-ui.min.css"
    # Hashed and listed (the admin's date picker finds it), its url()s left as written.
    assert re.fullmatch(r".*/jquery-ui\.min\.[0-9a-f]{12}\.css", manifest[theme])
    hashed_theme = (stack.static_root / manifest[theme]).read_text()
    assert 'url("images/ui-icons_222222_256x240.png")' in hashed_theme
    # Our own stylesheets are rewritten to hashed names.
    letters_css = (stack.static_root / manifest["css/letters.css"]).read_text()
    assert re.search(r"Vazirmatn-Regular\.[0-9a-f]{12}\.ttf", letters_css)


def test_production_static_css_is_served_compressed_with_far_future_caching(stack):
    import brotli

    page = Visitor().get(stack.ports["a"], "/")
    # The portal's stylesheet, by the hashed name the manifest gives it.
    url = re.search(
        r'<link rel="stylesheet" href="(/static/css/portal\.[0-9a-f]{12}\.css)"', page.text
    )
    assert url, "the structure page does not link the hashed css/portal.css"
    url = url[1]
    original = (stack.static_root / url.removeprefix("/static/")).read_bytes()

    for encoding, decompress in (("gzip", gzip.decompress), ("br", brotli.decompress)):
        response = Visitor().get(stack.ports["a"], url, headers={"Accept-Encoding": encoding})
        assert response.status == 200
        assert response.header("Content-Encoding") == encoding
        assert "Accept-Encoding" in response.header("Vary")
        assert len(response.body) < len(original)
        assert decompress(response.body) == original
        cache_control = response.header("Cache-Control")
        assert "immutable" in cache_control and "public" in cache_control
        max_age = int(re.search(r"max-age=(\d+)", cache_control)[1])
        assert max_age >= ONE_YEAR


def test_production_structure_page_renders_in_persian_over_https_only(stack):
    page = Visitor().get(stack.ports["b"], "/")
    assert page.status == 200
    assert '<html lang="fa" dir="rtl">' in page.text
    assert "توسعه دولت الکترونیک در استان گیلان" in page.text
    assert page.header("Strict-Transport-Security").startswith(f"max-age={ONE_YEAR}")
    # Without the proxy's X-Forwarded-Proto the request was plain HTTP: sent to HTTPS.
    plain = Visitor().get(stack.ports["b"], "/", https=False)
    assert plain.status == 301
    assert plain.header("Location") == f"https://127.0.0.1:{stack.ports['b']}/"


def test_production_sign_in_on_one_instance_continues_on_the_other(stack):
    visitor = Visitor()
    signed_in = _sign_in(visitor, stack.ports["a"], "secretary")
    assert signed_in.status == 302, signed_in.text[:2000]
    session = visitor.cookies["sessionid"]
    assert session["secure"] and session["httponly"]

    home_on_b = visitor.get(stack.ports["b"], "/me/")
    assert home_on_b.status == 200
    assert stack.lookup["secretary"] in home_on_b.text
    assert 'data-testid="user-menu"' in home_on_b.text
    # The same page without the session cookie asks for a sign-in.
    assert Visitor().get(stack.ports["b"], "/me/").status == 302


def test_production_wrong_password_is_refused(stack):
    visitor = Visitor()
    refused = visitor.request(
        stack.ports["a"],
        "POST",
        "/accounts/login/",
        form={
            "csrfmiddlewaretoken": _hidden(
                visitor.get(stack.ports["a"], "/accounts/login/").text, "csrfmiddlewaretoken"
            ),
            "username": "member",
            "password": "not-the-password",
        },
    )
    assert refused.status == 200
    assert "sessionid" not in visitor.cookies


def test_production_django_cache_is_on_the_shared_redis(stack):
    assert stack.lookup["cache_backend"] == "ReusedClientRedisCache"
    value = _redis_client().get("egov:1:production-test")
    assert value is not None
    assert b"written by manage.py" in value


def test_production_celery_worker_builds_a_meetings_letters(stack):
    visitor = Visitor()
    assert _sign_in(visitor, stack.ports["a"], "secretary").status == 302
    letters_url = stack.lookup["letters_url"]
    page = visitor.get(stack.ports["a"], letters_url)
    assert page.status == 200
    started = visitor.request(
        stack.ports["a"],
        "POST",
        letters_url,
        form={"csrfmiddlewaretoken": _hidden(page.text, "csrfmiddlewaretoken")},
    )
    assert started.status == 302, started.text[:2000]
    job_page = visitor.get(stack.ports["b"], urlsplit(started.header("Location")).path)
    assert job_page.status == 200
    status_url = re.search(r'data-job-status-url="([^"]+)"', job_page.text)[1]

    deadline = time.monotonic() + JOB_TIMEOUT
    while True:
        status = json.loads(visitor.get(stack.ports["b"], status_url).text)
        if status["finished"]:
            break
        if stack.processes["worker"].poll() is not None:
            pytest.fail(f"the Celery worker exited:\n{stack.log('worker')}")
        if time.monotonic() > deadline:
            pytest.fail(f"the job is {status} after {JOB_TIMEOUT} s:\n{stack.log('worker')}")
        time.sleep(0.3)

    assert status["state"] == "done", f"{status}\n{stack.log('worker')}"
    assert status["total"] == status["done"] == stack.lookup["letters"] > 0
    download = visitor.get(stack.ports["a"], status["download_url"])
    assert download.status == 200
    assert download.header("Content-Type") == "application/pdf"
    assert len(PdfReader(io.BytesIO(download.body)).pages) == stack.lookup["letters"]
    # The worker ran it (with REDIS_URL set nothing else may).
    assert re.search(
        r"Task egov_portal\.jobs\S*run_job\[[0-9a-f-]+\] succeeded", stack.log("worker")
    )
