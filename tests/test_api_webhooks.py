"""Webhooks: registered by the IT manager, told of new, returned and cancelled directives
by a signed POST once the transaction commits, retried with growing delays, listed with
their status. Deliveries go to a small HTTP server of the test on 127.0.0.1 only."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from resolutions.api import webhooks
from resolutions.models import DeliveryState, WebhookDelivery
from resolutions.services import directives as follow
from tests.api_helpers import directive_for
from tests.directive_helpers import education, water
from tests.meeting_helpers import user


class Receiver:
    """An HTTP server on 127.0.0.1 that records what it is sent and answers ``statuses``
    in turn (then 200)."""

    def __init__(self, statuses=()):
        self.received: list[tuple[dict, bytes]] = []
        self.statuses = list(statuses)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hook"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def eager(settings):
    settings.JOBS_EAGER = True
    return settings


def _signed_ok(secret: str, headers: dict, body: bytes) -> bool:
    mac = hmac.new(
        secret.encode(), headers["x-egov-timestamp"].encode() + b"." + body, hashlib.sha256
    )
    return hmac.compare_digest(headers["x-egov-signature"], "sha256=" + mac.hexdigest())


@pytest.mark.django_db
def test_new_directive_is_delivered_signed_after_commit(
    working_group, receiver, eager, django_capture_on_commit_callbacks
):
    hook = webhooks.webhook_create(agency=education(), url=receiver.url, user=user("itmanager"))
    webhooks.webhook_create(agency=water(), url=receiver.url.replace("/hook", "/water"))
    with django_capture_on_commit_callbacks(execute=True):
        directive = directive_for(education(), working_group)
    assert len(receiver.received) == 1  # water's hook hears nothing of education's directive
    headers, body = receiver.received[0]
    assert _signed_ok(hook.secret, headers, body)
    assert not _signed_ok("another-secret", headers, body)
    payload = json.loads(body)
    assert payload["event"] == headers["x-egov-event"] == "directive.issued"
    assert payload["directive"]["id"] == directive.pk
    assert payload["directive"]["url"].endswith(f"/api/v1/directives/{directive.pk}/")
    delivery = WebhookDelivery.objects.get(directive=directive)
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 1, 200)
    assert headers["x-egov-delivery"] == str(delivery.pk)


@pytest.mark.django_db
def test_nothing_is_sent_before_commit(working_group, receiver, eager):
    webhooks.webhook_create(agency=education(), url=receiver.url)
    directive_for(education(), working_group)  # the test's transaction never commits
    assert receiver.received == []
    assert WebhookDelivery.objects.get().state == DeliveryState.PENDING


@pytest.mark.django_db
def test_returned_and_cancelled_are_told(
    working_group, receiver, eager, django_capture_on_commit_callbacks, media_root
):
    directive = directive_for(education(), working_group)
    webhooks.webhook_create(agency=education(), url=receiver.url)
    follow.directive_acknowledge(directive=directive, user=user("itmanager"))
    follow.progress_report_add(
        directive=directive, user=user("itmanager"), percent=100, narrative="تمام", final=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        follow.directive_return(directive=directive, user=user("secretary"), comment="ناقص")
    with django_capture_on_commit_callbacks(execute=True):
        follow.directive_cancel(directive=directive, user=user("secretary"), reason="منتفی")
    events = [json.loads(body)["event"] for _headers, body in receiver.received]
    assert events == ["directive.returned", "directive.cancelled"]


@pytest.mark.django_db
def test_failures_are_retried_with_growing_delays_then_given_up(
    working_group, eager, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    server = Receiver(statuses=[500, 503, 500])
    try:
        webhooks.webhook_create(agency=education(), url=server.url)
        with django_capture_on_commit_callbacks(execute=True):
            directive_for(education(), working_group)
        delivery = WebhookDelivery.objects.get()
        assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
        first_wait = delivery.next_attempt_at - timezone.now()
        assert datetime.timedelta(seconds=50) < first_wait <= datetime.timedelta(minutes=1)
        assert webhooks.deliveries_due_send() == 0  # not due yet
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        call_command("send_webhooks", stdout=io.StringIO())
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.last_status) == (2, 503)
        assert delivery.next_attempt_at - timezone.now() > datetime.timedelta(minutes=3)
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        webhooks.deliveries_due_send()
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == ("failed", 3)
        assert len(server.received) == 3
        ids = {headers["x-egov-delivery"] for headers, _body in server.received}
        assert ids == {str(delivery.pk)}  # a retry is the same delivery
    finally:
        server.close()


@pytest.mark.django_db
def test_a_retry_succeeds(working_group, eager, django_capture_on_commit_callbacks):
    server = Receiver(statuses=[500])
    try:
        webhooks.webhook_create(agency=education(), url=server.url)
        with django_capture_on_commit_callbacks(execute=True):
            directive_for(education(), working_group)
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        webhooks.deliveries_due_send()
        delivery = WebhookDelivery.objects.get()
        assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 2, 200)
    finally:
        server.close()


@pytest.mark.django_db
def test_only_https_outside_the_tests(settings):
    with pytest.raises(ValidationError):
        webhooks.webhook_create(agency=education(), url="http://oa.example.ir/hook")
    settings.WEBHOOK_ALLOW_LOCAL_HTTP = False
    with pytest.raises(ValidationError):
        webhooks.webhook_create(agency=education(), url="http://127.0.0.1:9/hook")
    with pytest.raises(ValidationError):
        webhooks.webhook_create(agency=education(), url="https://user:pw@oa.example.ir/hook")
    assert webhooks.webhook_create(agency=education(), url="https://oa.example.ir/hook").secret


@pytest.mark.django_db
def test_it_manager_registers_and_sees_deliveries(working_group, eager, receiver):
    client = Client()
    client.force_login(user("itmanager"))
    url = f"/agencies/{education().pk}/webhooks/"
    refused = client.post(url, {"url": "http://oa.example.ir/hook"})
    assert refused.status_code == 400 and "https://" in refused.content.decode()
    made = client.post(url, {"url": receiver.url})
    assert made.status_code == 200
    hook = education().webhooks.get()
    assert hook.secret in made.content.decode()  # shown once
    assert hook.secret not in client.get(url).content.decode()
    directive_for(education(), working_group)
    page = client.get(url).content.decode()
    delivery = WebhookDelivery.objects.get()
    assert f'data-testid="delivery-{delivery.pk}"' in page
    other = Client()
    other.force_login(user("itmanager2"))
    assert other.get(url).status_code == 403
