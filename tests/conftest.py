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
from resolutions.data.demo import demo_seed

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


@pytest.fixture(scope="session", autouse=True)
def flush_past_the_truncate_triggers():
    """On PostgreSQL the portal's triggers refuse TRUNCATE of its frozen and append-only
    tables, and so ``manage.py flush``, with which the test runner empties the database
    after each transactional test. The runner's flush alone runs in replica mode, where
    ordinary triggers do not fire (the test database's user is a superuser, as in CI)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    flush = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        flush(self, ["SET LOCAL session_replication_role = replica", *sql_list])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "execute_sql_flush", execute_sql_flush)
        yield


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


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """A fresh, empty private storage for one test, so the files it stores (or leaves
    behind) can be counted with ``stored_files``."""
    root = tmp_path / "private-media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root},
        },
    }
    return root


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


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
def async_unsafe_allowed():
    """Playwright's sync API runs an event loop in this thread from its start to the end of
    the session; Django would then refuse the tests' own (synchronous) database work, and
    that of every test after them. The flag lives exactly as long as Playwright does (the
    live server runs in a thread of its own)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser(async_unsafe_allowed):
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


@pytest.fixture
def page_as(browser, live_server):
    """``page_as("secretary")``: a page of a fresh browser context signed in as him, 1280
    pixels wide and ``height`` high."""
    contexts = []

    from tests.browser_helpers import session_cookies

    def make(username: str, *, height: int = 900):
        context = browser.new_context(locale="fa-IR", viewport={"width": 1280, "height": height})
        context.set_default_timeout(15_000)
        context.add_cookies(session_cookies(username, live_server.url))
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
