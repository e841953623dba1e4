"""The Celery task that sends webhook deliveries (imported by the worker only, when
``REDIS_URL`` is set: ``resolutions.apps`` imports it then)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from egov_portal.celery import app
from resolutions.api.webhooks import DELIVER_TASK, delivery_attempt
from resolutions.models import DeliveryState


@app.task(name=DELIVER_TASK, bind=True, max_retries=None)
def deliver_webhook(self, delivery_id: int) -> None:
    """One attempt; after a failure the task comes back when the delivery's back-off ends
    (``manage.py send_webhooks`` catches any delivery a lost task leaves pending)."""
    delivery = delivery_attempt(delivery_id)
    if delivery is None or delivery.state != DeliveryState.PENDING:
        return
    if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        return
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    raise self.retry(countdown=max(1, int(wait)))
