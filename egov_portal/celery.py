"""The Celery application, used only when ``REDIS_URL`` is set (see ``egov_portal/jobs.py``).

Start a worker next to the web process, with the same settings and database:

    REDIS_URL=redis://127.0.0.1:6379/0 celery -A egov_portal worker -l info

Nothing imports this module unless ``REDIS_URL`` is set, and importing it never connects:
Redis is used as broker and result backend only when a task is sent or a worker starts.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_portal.settings")

# Modules that register job kinds (``egov_portal.jobs.register``); the worker imports them
# at start, the web process imports them through its URLconf.
JOB_MODULES = ("resolutions.letters",)

app = Celery("egov_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")


def _redis_config() -> dict:
    from egov_portal.jobs import redis_url

    url = redis_url() or None
    return {
        "broker_url": url,
        "result_backend": url,
        "broker_connection_retry_on_startup": True,
        "task_ignore_result": True,  # a job's state and result live in its Job row
        "task_acks_late": True,
        "worker_prefetch_multiplier": 1,
        "imports": JOB_MODULES,
    }


# Read lazily, when the configuration is first needed (not at import).
app.add_defaults(_redis_config)
app.autodiscover_tasks()


@app.task(name="egov_portal.jobs.run_job")
def run_job_task(job_id: str) -> None:
    """Run a background job by id (``egov_portal.jobs.run_job``)."""
    from egov_portal.jobs import run_job

    run_job(job_id)
