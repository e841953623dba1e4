"""Webhooks: an agency's system is told of its new, returned, cancelled and superseded
directives by an HTTPS POST to the address its IT manager registered.

* What is sent: JSON ``{"id", "event", "created_at", "directive": {"id", "letter_number",
  "state", "url"}}``; the system then reads the directive through the API.
* Signature: ``X-Egov-Signature: sha256=<hex>``, the HMAC-SHA256 with the webhook's secret
  of ``<X-Egov-Timestamp>.<body>`` (the timestamp in Unix seconds; a receiver should refuse
  one more than a few minutes old). ``X-Egov-Event`` and ``X-Egov-Delivery`` say what and
  which delivery (a retry has the same id).
* When: once the transaction that made the event commits (``directive_notices`` calls
  :func:`directive_event_queue`), on a Celery worker when ``REDIS_URL`` is set (retried
  there with growing delays), in a thread of the web process otherwise; a 2xx answer is
  success. Each failed attempt waits longer before the next (1, 4, 16, 64 minutes …) up to
  ``WEBHOOK_MAX_ATTEMPTS``; ``manage.py send_webhooks`` (cron, every minute) sends what is
  due, so nothing waits on a restarted web process. Every delivery is listed with its
  status for the IT manager.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import close_old_connections, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from egov_portal.env import redis_url
from members.models import Agency
from resolutions.models import (
    AgencyWebhook,
    DeliveryState,
    Directive,
    WebhookDelivery,
    WebhookEvent,
)

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Egov-Signature"
TIMESTAMP_HEADER = "X-Egov-Timestamp"
EVENT_HEADER = "X-Egov-Event"
DELIVERY_HEADER = "X-Egov-Delivery"
#: The Celery task that sends one delivery (``resolutions.api.tasks``).
DELIVER_TASK = "resolutions.api.deliver_webhook"
#: How long one attempt holds a delivery (no second sender picks it up meanwhile).
LEASE = datetime.timedelta(minutes=2)
MAX_WEBHOOKS_PER_AGENCY = 5

#: directive state → the event it makes (what ``directive_notices.directive_decided`` sees)
EVENT_OF_STATE = {
    "returned": WebhookEvent.RETURNED,
    "cancelled": WebhookEvent.CANCELLED,
    "superseded": WebhookEvent.SUPERSEDED,
}


# --- registering ----------------------------------------------------------------------


def webhook_url_validate(url: str) -> str:
    """An HTTPS address (the tests alone may use http://127.0.0.1, see settings)."""
    url = url.strip()
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError:
        raise ValidationError({"url": _("نشانی معتبری نیست.")}, code="url") from None
    parts = urlsplit(url)
    local_http = parts.scheme == "http" and parts.hostname == "127.0.0.1"
    if parts.scheme != "https" and not (local_http and settings.WEBHOOK_ALLOW_LOCAL_HTTP):
        raise ValidationError({"url": _("نشانی باید با https:// آغاز شود.")}, code="not_https")
    if parts.username or parts.password:
        raise ValidationError(
            {"url": _("نام کاربری و گذرواژه در نشانی پذیرفته نیست.")}, code="credentials"
        )
    return url


@transaction.atomic
def webhook_create(*, agency: Agency, url: str, user=None) -> AgencyWebhook:
    """Register ``url`` for ``agency``; the webhook's signing secret is made here."""
    url = webhook_url_validate(url)
    if agency.webhooks.filter(is_active=True).count() >= MAX_WEBHOOKS_PER_AGENCY:
        raise ValidationError(
            _("هر دستگاه حداکثر %(n)s نشانی فعال دارد.") % {"n": MAX_WEBHOOKS_PER_AGENCY},
            code="too_many",
        )
    existing = agency.webhooks.filter(url=url).first()
    if existing is not None:
        if existing.is_active:
            raise ValidationError(
                {"url": _("این نشانی پیش‌تر برای این دستگاه ثبت شده است.")}, code="duplicate"
            )
        existing.is_active = True
        existing.secret = secrets.token_hex(32)
        existing.save(update_fields=["is_active", "secret", "updated_at"])
        return existing
    return AgencyWebhook.objects.create(
        agency=agency, url=url, secret=secrets.token_hex(32), created_by=user
    )


@transaction.atomic
def webhook_deactivate(*, webhook: AgencyWebhook) -> AgencyWebhook:
    """Stop telling ``webhook``; what is still pending for it is not sent."""
    webhook.is_active = False
    webhook.save(update_fields=["is_active", "updated_at"])
    webhook.deliveries.filter(state=DeliveryState.PENDING).update(
        state=DeliveryState.FAILED, last_error=_("نشانی غیرفعال شد.")[:300]
    )
    return webhook


# --- queueing -------------------------------------------------------------------------


def _directive_url(directive: Directive) -> str:
    return settings.PORTAL_BASE_URL + reverse(
        "resolutions:api_directive_detail", args=[directive.pk]
    )


def directive_event_queue(directives: Iterable[Directive], event: str) -> list[WebhookDelivery]:
    """A delivery to each active webhook of each directive's agency, sent once the current
    transaction commits. No webhook, no query beyond the one that looks."""
    directives = list(directives)
    if not directives:
        return []
    by_agency: dict[int, list[AgencyWebhook]] = {}
    for webhook in AgencyWebhook.objects.filter(
        agency_id__in={d.agency_id for d in directives}, is_active=True
    ):
        by_agency.setdefault(webhook.agency_id, []).append(webhook)
    deliveries = []
    now = timezone.now()
    for directive in directives:
        for webhook in by_agency.get(directive.agency_id, []):
            delivery = WebhookDelivery.objects.create(
                webhook=webhook, directive=directive, event=event, next_attempt_at=now
            )
            delivery.payload = {
                "id": delivery.pk,
                "event": event,
                "created_at": now.isoformat(),
                "directive": {
                    "id": directive.pk,
                    "letter_number": directive.letter_number,
                    "state": directive.state,
                    "url": _directive_url(directive),
                },
            }
            delivery.save(update_fields=["payload"])
            deliveries.append(delivery)
    if deliveries:
        ids = [d.pk for d in deliveries]
        transaction.on_commit(lambda: _dispatch(ids))
    return deliveries


_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _thread_pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="webhook")
        return _executor


def _dispatch(ids: list[int]) -> None:
    if getattr(settings, "JOBS_EAGER", False):
        for pk in ids:
            delivery_attempt(pk)
        return
    url = redis_url()
    if url:
        from egov_portal.celery import app

        try:
            with app.connection_for_write(url) as connection:
                for pk in ids:
                    app.send_task(DELIVER_TASK, args=[pk], connection=connection, retry=False)
            return
        except Exception:
            logger.exception("webhook deliveries %s could not be sent to Celery", ids)
    for pk in ids:
        _thread_pool().submit(_attempt_in_thread, pk)


def _attempt_in_thread(pk: int) -> None:
    close_old_connections()
    try:
        delivery_attempt(pk)
    except Exception:
        logger.exception("webhook delivery %s failed", pk)
    finally:
        close_old_connections()


# --- sending --------------------------------------------------------------------------


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of ``<timestamp>.<body>`` with the webhook's secret."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the ``attempts``-th failure: 1, 4, 16, 64 … minutes, at most a day."""
    return datetime.timedelta(minutes=min(4 ** (attempts - 1), 24 * 60))


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    body = json.dumps(delivery.payload, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(
        delivery.webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "egov-portal-webhook/1",
            SIGNATURE_HEADER: signature(delivery.webhook.secret, timestamp, body),
            TIMESTAMP_HEADER: str(timestamp),
            EVENT_HEADER: delivery.event,
            DELIVERY_HEADER: str(delivery.pk),
        },
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, str(getattr(error, "reason", error))[:300]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an instruction to post elsewhere."""

    def redirect_request(self, *args, **kwargs):
        return None


def delivery_attempt(pk: int) -> WebhookDelivery | None:
    """One attempt of the delivery ``pk`` if it is due (none if another sender holds it or
    it is settled). Returns the delivery as it now stands, or None if not attempted."""
    now = timezone.now()
    claimed = (
        WebhookDelivery.objects.filter(pk=pk, state=DeliveryState.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(next_attempt_at=now + LEASE)
    )
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=pk)
    if not delivery.webhook.is_active:
        delivery.state = DeliveryState.FAILED
        delivery.last_error = _("نشانی غیرفعال شد.")[:300]
        delivery.save(update_fields=["state", "last_error"])
        return delivery
    status, error = _post(delivery)
    delivery.attempts += 1
    delivery.last_status = status
    if status is not None and 200 <= status < 300:
        delivery.state = DeliveryState.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
        delivery.last_error = ""
    else:
        delivery.last_error = error[:300]
        if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.state = DeliveryState.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
    delivery.save(
        update_fields=[
            "attempts",
            "last_status",
            "state",
            "delivered_at",
            "next_attempt_at",
            "last_error",
        ]
    )
    return delivery


def deliveries_due_send(*, now: datetime.datetime | None = None) -> int:
    """Attempt every pending delivery whose time has come; how many were attempted."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        state=DeliveryState.PENDING, next_attempt_at__lte=now
    ).values_list("pk", flat=True)
    return sum(delivery_attempt(pk) is not None for pk in list(due))


def agency_deliveries(*, agency: Agency, limit: int = 100):
    return (
        WebhookDelivery.objects.filter(webhook__agency=agency)
        .select_related("webhook", "directive")
        .order_by("-created_at", "-pk")[:limit]
    )
