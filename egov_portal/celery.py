"""The Celery application, used only when ``REDIS_URL`` is set (see ``egov_portal/jobs/``).

Start a worker next to the web process, with the same settings and database:

    REDIS_URL=redis://127.0.0.1:6379/0 celery -A egov_portal worker -l info

Nothing imports this module unless ``REDIS_URL`` is set, and importing it never connects:
Redis is used as broker and result backend only when a task is sent or a worker starts.
This module imports nothing of the portal's but ``env``: the web process sends tasks by name
(:data:`RUN_JOB`), and the worker finds them in ``egov_portal.jobs.tasks``.
"""

from __future__ import annotations

import os

from celery import Celery

from egov_portal.env import redis_url

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_portal.settings")

#: The one task: run a background job by id (``egov_portal.jobs.tasks.run_job_task``).
RUN_JOB = "egov_portal.jobs.run_job"

app = Celery("egov_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")


def _redis_config() -> dict:
    url = redis_url() or None
    return {
        "broker_url": url,
        "result_backend": url,
        "broker_connection_retry_on_startup": True,
        "task_ignore_result": True,  # a job's state and result live in its Job row
        "task_acks_late": True,
        "worker_prefetch_multiplier": 1,
        "imports": ("egov_portal.jobs.tasks",),
    }


# Read lazily, when the configuration is first needed (not at import).
app.add_defaults(_redis_config)
