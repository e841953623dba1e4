"""Background jobs: work that takes longer than a request should (all of a meeting's
directive letters in one PDF), run off the request with its progress kept in a ``Job`` row.

* ``job_submit(kind=, params=, user=)`` creates the row and queues it once the surrounding
  transaction commits (a worker never looks for a row that is not there yet).
* Where it runs: with ``REDIS_URL`` set, a Celery worker (``egov_portal/celery.py``; start
  it with ``celery -A egov_portal worker -l info``); without it (the default), a small pool
  of daemon threads in the web process. ``settings.JOBS_EAGER = True`` (tests) runs the
  job at once, in the committing thread.
* What runs: ``register(kind)`` maps a kind to a function ``(job, report_progress)``. The
  function reports progress with ``report_progress(done, total)``, saves its output with
  ``job_save_result(job, name, content)`` and returns; the runner marks the job done, or
  failed (with a Persian message, the exception logged) when it raises.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import OperationalError, close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov_portal.env import redis_url
from egov_portal.models import Job, JobState

logger = logging.getLogger(__name__)

ProgressReporter = Callable[[int, int], None]
JobFunction = Callable[..., None]


@dataclass(frozen=True)
class JobKind:
    """A kind of job, as the app that owns it registered it: the function that does the
    work, and how the job's page speaks of it (a title, the result's file name and the
    links back to where the job was started). The core knows no kind by name."""

    run: JobFunction
    title: str = ""
    download_name: Callable[[object], str] | None = None
    breadcrumbs: Callable[[object], list[tuple[str, str]]] | None = None


_REGISTRY: dict[str, JobKind] = {}
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()
# Threads that run jobs in the web process (PDF rendering is CPU-bound; two is plenty).
THREAD_WORKERS = 2


def register(
    kind: str,
    *,
    title: str = "",
    download_name: Callable[[object], str] | None = None,
    breadcrumbs: Callable[[object], list[tuple[str, str]]] | None = None,
) -> Callable[[JobFunction], JobFunction]:
    """Decorator: ``@register("meeting_letters", title=…)`` on a function
    ``(job, report_progress)``; see :class:`JobKind` for the rest."""

    def decorate(func: JobFunction) -> JobFunction:
        _REGISTRY[kind] = JobKind(
            run=func, title=title, download_name=download_name, breadcrumbs=breadcrumbs
        )
        return func

    return decorate


def kind_of(job) -> JobKind | None:
    """How the kind of ``job`` was registered (None for a kind no app registers now)."""
    return _REGISTRY.get(job.kind)


def registered_kinds() -> set[str]:
    return set(_REGISTRY)


def job_submit(*, kind: str, params: dict, user):
    """Create a job for ``user`` and queue it when the current transaction commits."""
    if kind not in _REGISTRY:
        raise ValueError(f"Unknown job kind {kind!r}; known: {sorted(_REGISTRY)}")
    job = Job.objects.create(kind=kind, params=params, created_by=user)
    transaction.on_commit(lambda: _enqueue(str(job.pk)))
    return job


def _enqueue(job_id: str) -> None:
    if getattr(settings, "JOBS_EAGER", False):
        run_job(job_id)
        return
    url = redis_url()
    if url:
        # Start-up cost: Celery is imported only by a portal that uses it (REDIS_URL set).
        from egov_portal.celery import RUN_JOB, app

        try:
            # Connect with the URL in force now (tests point it at their own Redis database).
            with app.connection_for_write(url) as connection:
                app.send_task(RUN_JOB, args=[job_id], connection=connection, retry=False)
        except Exception:
            logger.exception("Job %s could not be sent to the Celery broker", job_id)
            _fail(job_id, _("صف کارهای پس‌زمینه در دسترس نیست. کمی بعد دوباره تلاش کنید."))
        return
    _thread_pool().submit(_run_in_thread, job_id)


def _thread_pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            # Since Python 3.9 these threads are not daemons: at exit the interpreter lets
            # the job in hand finish; jobs still waiting stay "queued".
            _executor = ThreadPoolExecutor(max_workers=THREAD_WORKERS, thread_name_prefix="job")
        return _executor


def _run_in_thread(job_id: str) -> None:
    close_old_connections()
    try:
        run_job(job_id)
    except Exception:
        # run_job records a failing job itself; this is a fault around it (the database
        # locked or gone): log it and mark the job failed rather than leave it "queued".
        logger.exception("Job %s could not be run", job_id)
        try:
            _fail(
                job_id,
                _("تهیه نتیجه با خطا روبه‌رو شد. دوباره تلاش کنید یا به راهبر سامانه خبر دهید."),
            )
        except Exception:
            logger.exception("Job %s could not be marked failed", job_id)
    finally:
        connections.close_all()


def _progress_reporter(job) -> ProgressReporter:
    def report(done: int, total: int) -> None:
        total = max(int(total), 0)
        done = min(max(int(done), 0), total) if total else 0
        progress = (done * 100 // total) if total else 0
        job.done, job.total, job.progress = done, total, progress
        Job.objects.filter(pk=job.pk).update(done=done, total=total, progress=progress)

    return report


def _claim(job_id: str, *, attempts: int = 40) -> int:
    """Mark the job running if it is still queued (1) or not (0). SQLite (``make run``, the
    test database in memory) refuses a write at once while the web thread polling the
    job's status holds a read lock on the table: wait a moment and try again, rather than
    fail a job that nothing is wrong with."""
    for attempt in range(attempts):
        try:
            return Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
                state=JobState.RUNNING
            )
        except OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.05)
    return 0


def run_job(job_id: str) -> None:
    """Run the job ``job_id`` (the Celery task and the threads call this). A job that is
    not queued any more (already run, or picked twice) is left alone."""
    claimed = _claim(job_id)
    if not claimed:
        logger.warning("Job %s is not queued (missing or already run); skipped", job_id)
        return
    job = Job.objects.select_related("created_by").get(pk=job_id)
    kind = _REGISTRY.get(job.kind)
    try:
        if kind is None:
            raise LookupError(f"No function is registered for job kind {job.kind!r}")
        kind.run(job, _progress_reporter(job))
    except Exception:
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        _fail(
            job_id,
            _("تهیه نتیجه با خطا روبه‌رو شد. دوباره تلاش کنید یا به راهبر سامانه خبر دهید."),
        )
        return
    Job.objects.filter(pk=job_id).update(
        state=JobState.DONE, progress=100, finished_at=timezone.now()
    )


def _fail(job_id: str, message: str) -> None:
    Job.objects.filter(pk=job_id).update(
        state=JobState.FAILED, error=message, finished_at=timezone.now()
    )


def job_save_result(job, name: str, content: bytes) -> None:
    """Store ``content`` as the job's result file (private storage, under ``jobs/``)."""
    job.result.save(name, ContentFile(content), save=False)
    Job.objects.filter(pk=job.pk).update(result=job.result.name)
