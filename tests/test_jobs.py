"""Background jobs (``egov_portal/jobs/runner.py``): queued only after commit, progress, failures,
the thread pool of the web process, and a real Celery worker on Redis."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from egov_portal.jobs import runner as jobs
from egov_portal.models import Job, JobState

ran_jobs: list[str] = []  # ids of the "tests.count" jobs that ran
RELEASE = threading.Event()

# Redis database the Celery test uses (emptied by the test).
TEST_REDIS_URL = os.environ.get("EGOV_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
WORKER_TIMEOUT = 60
BASE_DIR = Path(__file__).resolve().parent.parent


@jobs.register("tests.count")
def _count(job, report_progress):
    ran_jobs.append(str(job.pk))
    total = job.params.get("total", 3)
    for done in range(1, total + 1):
        report_progress(done, total)


@jobs.register("tests.broken")
def _broken(job, report_progress):
    report_progress(1, 2)
    raise RuntimeError("the printer is on fire")


@jobs.register("tests.waits")
def _waits(job, report_progress):
    report_progress(1, 2)
    if not RELEASE.wait(timeout=20):
        raise TimeoutError("the test never released the job")
    report_progress(2, 2)


@pytest.fixture
def someone(db):
    return get_user_model().objects.create_user("job-owner")


@pytest.fixture
def eager(settings):
    settings.JOBS_EAGER = True
    ran_jobs.clear()


def test_job_is_queued_only_after_commit(someone, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        job = jobs.job_submit(kind="tests.count", params={"total": 3}, user=someone)
        assert Job.objects.get(pk=job.pk).state == JobState.QUEUED
    # The transaction has not committed: the job is saved but nothing ran it.
    assert len(callbacks) == 1
    assert ran_jobs == []
    assert Job.objects.get(pk=job.pk).state == JobState.QUEUED
    callbacks[0]()  # the commit
    assert ran_jobs == [str(job.pk)]
    job.refresh_from_db()
    assert (job.state, job.progress, job.done, job.total) == (JobState.DONE, 100, 3, 3)
    assert job.finished_at is not None


def test_job_in_a_rolled_back_transaction_never_runs(
    someone, eager, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                jobs.job_submit(kind="tests.count", params={}, user=someone)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert callbacks == []
    assert ran_jobs == []
    assert not Job.objects.exists()


def test_job_reports_progress(someone, eager, django_capture_on_commit_callbacks, monkeypatch):
    seen = []
    make_reporter = jobs._progress_reporter

    def recording(job):
        report = make_reporter(job)

        def record(done, total):
            report(done, total)
            row = Job.objects.get(pk=job.pk)
            seen.append((row.state, row.progress))

        return record

    monkeypatch.setattr(jobs, "_progress_reporter", recording)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.job_submit(kind="tests.count", params={"total": 4}, user=someone)
    assert seen == [("running", 25), ("running", 50), ("running", 75), ("running", 100)]


def test_failing_job_is_marked_failed_in_persian_and_logged(
    someone, eager, django_capture_on_commit_callbacks, caplog
):
    with (
        caplog.at_level(logging.ERROR, logger="egov_portal.jobs"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = jobs.job_submit(kind="tests.broken", params={}, user=someone)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.progress == 50
    assert job.finished_at is not None
    assert "خطا" in job.error and "printer" not in job.error
    assert "the printer is on fire" in caplog.text


def test_unknown_kind_is_refused(someone):
    with pytest.raises(ValueError, match="Unknown job kind"):
        jobs.job_submit(kind="tests.nothing", params={}, user=someone)
    assert not Job.objects.exists()


def test_a_job_runs_once(someone, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_submit(kind="tests.count", params={}, user=someone)
    jobs.run_job(str(job.pk))  # delivered twice: the second delivery is ignored
    assert ran_jobs == [str(job.pk)]


def test_job_status_is_only_for_its_owner(someone, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_submit(kind="tests.count", params={}, user=someone)
    other = get_user_model().objects.create_user("someone-else")
    url = reverse("resolutions:job_status", args=[job.pk])
    owner_client, other_client = Client(), Client()
    owner_client.force_login(someone)
    other_client.force_login(other)
    assert owner_client.get(url).json()["state"] == "done"
    assert other_client.get(url).status_code == 404
    assert Client().get(url).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_thread_pool_runs_the_job_and_status_follows_it(settings, monkeypatch):
    """Without Redis (the default) a job runs in a thread of the web process; the status
    URL the page polls shows it running at 50 %, then done."""
    settings.JOBS_EAGER = False
    settings.REDIS_URL = ""
    RELEASE.clear()
    user = get_user_model().objects.create_user("thread-owner")
    client = Client()
    client.force_login(user)
    job = jobs.job_submit(kind="tests.waits", params={}, user=user)  # autocommit: queued now
    url = reverse("resolutions:job_status", args=[job.pk])

    def wait_for(predicate, timeout=15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = client.get(url).json()
            if predicate(status):
                return status
            time.sleep(0.05)
        pytest.fail(f"job status stuck at {status}")

    running = wait_for(lambda s: s["progress"] == 50)
    assert (running["state"], running["finished"], running["done"]) == ("running", False, 1)
    RELEASE.set()
    done = wait_for(lambda s: s["finished"])
    assert (done["state"], done["progress"]) == ("done", 100)


def test_django_starts_without_celery_when_redis_url_is_unset():
    """Loading the project (settings, apps, URLconf) imports neither Celery nor
    ``egov_portal.celery`` when ``REDIS_URL`` is not set."""
    code = (
        "import sys, django; django.setup();"
        "from django.urls import get_resolver; get_resolver().url_patterns;"
        "import egov_portal.jobs;"
        "bad = [m for m in ('celery', 'egov_portal.celery', 'redis') if m in sys.modules];"
        "sys.exit(f'imported: {bad}' if bad else 0)"
    )
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "egov_portal.test_settings"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr or result.stdout


# --- a real Celery worker on Redis ----------------------------------------------------------


def _require_redis(url: str) -> None:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
    except redis.RedisError as error:
        pytest.fail(
            f"Redis is not reachable at {url} ({error}). The Celery test needs it: install and "
            "start it (Debian/Ubuntu: `sudo apt-get install redis-server && sudo service "
            "redis-server start`, or `redis-server --daemonize yes`), or point "
            "EGOV_TEST_REDIS_URL at another Redis database that may be emptied.",
            pytrace=False,
        )
    client.flushdb()  # messages left by an earlier, interrupted run


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"


def _wait_for_job(job: Job, *, worker: subprocess.Popen | None = None, log=None) -> Job:
    deadline = time.monotonic() + WORKER_TIMEOUT
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        if worker is not None and worker.poll() is not None:
            pytest.fail(f"the Celery worker exited ({worker.returncode}):\n{_read(log)}")
        time.sleep(0.25)
    pytest.fail(f"the job is still {job.state} after {WORKER_TIMEOUT} s:\n{_read(log)}")


def _read(log) -> str:
    if log is None:
        return ""
    log.flush()
    log.seek(0)
    return log.read()[-4000:]


@pytest.mark.django_db(transaction=True)
def test_meeting_letters_job_runs_on_a_celery_worker_over_redis(gilan, settings, tmp_path):
    """With ``REDIS_URL`` set, ``job_submit`` sends the task through Redis and a Celery
    worker runs it; the test waits for the Job row to be done (60 s at most).

    The worker needs the rows this test committed, so where it runs depends on the
    database. On PostgreSQL (CI) it is the real thing: ``celery -A egov_portal worker
    --pool=solo`` as a subprocess with the test database's ``DATABASE_URL``, this process's
    ``MEDIA_ROOT`` and ``REDIS_URL``. On SQLite the test database lives in this process's
    memory, where no other process can read it, so the worker is Celery's embedded test
    worker (``celery.contrib.testing.worker.start_worker``: the same consumer and task
    execution, in a thread of this process), still fed through the real Redis broker.
    Either way the test fails, never skips, when Redis is unreachable.
    """
    from committees.models import Body, BodyKind
    from egov_portal.celery import app
    from tests.directive_helpers import approved_with, education, water
    from tests.meeting_helpers import user

    _require_redis(TEST_REDIS_URL)
    settings.REDIS_URL = TEST_REDIS_URL
    settings.JOBS_EAGER = False
    body = Body.objects.get(kind=BodyKind.WORKING_GROUP, jurisdiction="گیلان")
    meeting = approved_with(body, {"responsible": [education()], "collaborating": [water()]})
    expected_pages = meeting.resolutions.get().directives.count()
    assert expected_pages == 2

    worker_log = ""
    if connection.vendor == "sqlite":
        from celery.contrib.testing.worker import start_worker

        previous = app.conf.broker_url
        app.conf.broker_url = TEST_REDIS_URL
        try:
            with start_worker(app, pool="solo", perform_ping_check=False, loglevel="warning"):
                job = jobs.job_submit(
                    kind="meeting_letters", params={"meeting": meeting.pk}, user=user("secretary")
                )
                job = _wait_for_job(job)
        finally:
            app.conf.broker_url = previous
    else:
        # The project's own settings (the test settings make a media folder of their own),
        # with DEBUG for plain static files (no collectstatic manifest in a test run).
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "egov_portal.settings",
            "DEBUG": "1",
            "SECRET_KEY": "celery-worker-test-key-" + "x" * 40,
            "DATABASE_URL": _database_url(),
            "CONN_MAX_AGE": "0",
            "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
            "REDIS_URL": TEST_REDIS_URL,
            "EMAIL_URL": "locmem://",
            "LOG_LEVEL": "WARNING",
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "egov_portal",
            "worker",
            "--pool=solo",
            "-l",
            "warning",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        with (tmp_path / "worker.log").open("w+") as log:
            worker = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
            )
            try:
                job = jobs.job_submit(
                    kind="meeting_letters", params={"meeting": meeting.pk}, user=user("secretary")
                )
                job = _wait_for_job(job, worker=worker, log=log)
            finally:
                worker.terminate()
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
                worker_log = _read(log)

    assert job.state == JobState.DONE, f"{job.error}\n{worker_log}"
    assert (job.progress, job.done, job.total) == (100, 2, 2)
    with job.result.open("rb") as result:
        assert len(PdfReader(io.BytesIO(result.read())).pages) == expected_pages
