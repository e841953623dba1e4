"""The Celery task that runs background jobs in a worker (imported by the worker only)."""

from __future__ import annotations

from egov_portal.celery import RUN_JOB, app
from egov_portal.jobs.runner import run_job


@app.task(name=RUN_JOB)
def run_job_task(job_id: str) -> None:
    """Run a background job by id. The job kinds are registered by the apps' ``ready()``,
    which the worker runs when it sets Django up."""
    run_job(job_id)
