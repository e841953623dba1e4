"""Shared fixtures: the Gilan structure with its demo people, and one persona per role.

The structure and demo accounts are loaded once per test database; each test runs in a
transaction that is rolled back, so tests may change them freely.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from committees.models import Body, BodyKind
from resolutions.demo import demo_seed

DEMO_PASSWORD = "demo-password-for-tests"

# Every persona the permission matrix knows; "anonymous" is the public visitor and
# "outsider" a signed-in user with no role anywhere.
PERSONAS = (
    "anonymous",
    "outsider",
    "admin",
    "secretary",
    "chair",
    "member",
    "itmanager",
    "itmanager2",
    "governor_office",
)


def load_gilan() -> None:
    call_command("load_structure", stdout=io.StringIO())
    demo_seed(password=DEMO_PASSWORD)
    get_user_model().objects.get_or_create(username="outsider")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_gilan()


@pytest.fixture
def gilan(transactional_db):
    """For transactional tests (browser, concurrency): the structure, loaded again."""
    if not Body.objects.exists():
        load_gilan()


@pytest.fixture
def working_group(db) -> Body:
    return Body.objects.get(kind=BodyKind.WORKING_GROUP, jurisdiction="گیلان")


@pytest.fixture
def steering(db) -> Body:
    return Body.objects.get(kind=BodyKind.STEERING_COMMITTEE, jurisdiction="گیلان")


def client_for(persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(get_user_model().objects.get(username=persona))
    return client


@pytest.fixture
def persona_client():
    return client_for


@pytest.fixture
def django_assert_num_queries(django_assert_num_queries, db):
    """Query budgets counted from cold per-process caches (Django's content types and
    guardian's), emptied as the counting starts, so that a budget depends neither on which
    test ran first nor on what the test's own setup happened to look up."""
    from django.contrib.contenttypes.models import ContentType
    from guardian.shortcuts import clear_ct_cache

    def counted(num, *args, **kwargs):
        ContentType.objects.clear_cache()
        clear_ct_cache()
        return django_assert_num_queries(num, *args, **kwargs)

    return counted


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for every browser test of the session (Playwright's
    sync API allows one running instance per thread). Never downloads a browser."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: the browser tests drive Debian's Chromium. "
            "Install it with `apt-get install chromium` (do not run `playwright install`).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()
