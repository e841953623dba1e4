"""Sign-in throttling, session timeouts, security headers and the deployment check."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from egov_portal.accounts.security import SESSION_SEEN, SESSION_STARTED

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def _fail(client: Client, username: str, address: str = "10.9.8.7"):
    return client.post(
        reverse("login"), {"username": username, "password": "wrong-password"}, REMOTE_ADDR=address
    )


@override_settings(AXES_FAILURE_LIMIT=3)
def test_sign_in_locks_after_the_configured_failures_and_the_admin_unlocks():
    from tests.conftest import DEMO_PASSWORD

    client = Client()
    for _ in range(2):
        assert _fail(client, "member").status_code == 200
    locked = _fail(client, "member")
    assert locked.status_code == 429
    assert "ورود موقتاً بسته است" in locked.content.decode()
    # Even the right password is refused while locked.
    response = client.post(
        reverse("login"), {"username": "member", "password": DEMO_PASSWORD}, REMOTE_ADDR="10.9.8.7"
    )
    assert response.status_code == 429
    call_command("axes_reset_username", "member", verbosity=0)
    call_command("axes_reset_ip", "10.9.8.7", verbosity=0)
    response = client.post(
        reverse("login"), {"username": "member", "password": DEMO_PASSWORD}, REMOTE_ADDR="10.9.8.7"
    )
    assert response.status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_failures_from_one_address_lock_that_address_for_every_user():
    client = Client()
    for name in ("a1", "a2", "a3"):
        _fail(client, name, address="10.1.1.1")
    assert _fail(client, "someone-else", address="10.1.1.1").status_code == 429
    assert _fail(client, "someone-else", address="10.1.1.2").status_code == 200


def test_deactivated_account_loses_its_session_at_once(persona_client):
    client = persona_client("member")
    assert client.get(reverse("committees:home")).status_code == 200
    get_user_model().objects.filter(username="member").update(is_active=False)
    assert client.get(reverse("committees:home")).status_code == 302


def _signed_in(seconds_ago_started: int, seconds_ago_seen: int) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="member"))
    session = client.session
    now = int(time.time())
    session[SESSION_STARTED] = now - seconds_ago_started
    session[SESSION_SEEN] = now - seconds_ago_seen
    session.save()
    return client


@override_settings(SESSION_IDLE_SECONDS=600, SESSION_ABSOLUTE_SECONDS=3600)
def test_idle_session_ends():
    assert _signed_in(700, 10).get(reverse("committees:home")).status_code == 200
    response = _signed_in(700, 650).get(reverse("committees:home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@override_settings(SESSION_IDLE_SECONDS=600, SESSION_ABSOLUTE_SECONDS=3600)
def test_absolute_session_limit_ends_an_active_session():
    response = _signed_in(3700, 5).get(reverse("committees:home"))
    assert response.status_code == 302


def test_security_headers_are_sent(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"", re.I)


def _pages_to_render():
    """Every GET page of the permission matrix, as the persona that may read it."""
    from tests.permission_rows import collect_rows

    for name, (method, kwargs, expected) in sorted(collect_rows().items()):
        if method != "get":
            continue
        persona = next((p for p, status in expected.items() if status == 200), None)
        if persona is not None:
            yield name, kwargs, persona


@pytest.mark.parametrize(("name", "kwargs", "persona"), list(_pages_to_render()))
def test_no_inline_script_or_style_in_any_page(name, kwargs, persona, persona_client):
    response = persona_client(persona).get(reverse(name, kwargs=kwargs()))
    assert response.status_code == 200
    if not response["Content-Type"].startswith("text/html"):
        return
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html).group(0)
    assert not INLINE_STYLE.search(html), html[INLINE_STYLE.search(html).start() - 80 :][:200]
    assert "Content-Security-Policy" in response


def test_deployment_check_is_clean_in_production_mode():
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for themselves; production
            # never has it (check --deploy rightly refuses it).
            if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        },
        "DEBUG": "0",
        "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789",
        "ALLOWED_HOSTS": "egov.gilan.example",
        "DJANGO_SETTINGS_MODULE": "egov_portal.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
