"""The public pages' server-side cache (egov_portal.page_cache): who gets a kept page, that
it is still a working page, and that a write ends it."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import Body, BodyKind
from egov_portal.models import PageCounter
from members.models import Agency
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "committees:structure",
    "members:agency_list",
    "resolutions:public_resolutions",
]


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def _url(name: str) -> str:
    return reverse(name)


@pytest.mark.parametrize("name", PUBLIC_URLS)
def test_a_second_visitor_gets_the_kept_page_without_the_view(name, django_assert_num_queries):
    Client().get(_url(name))  # fills the cache
    budget = 2 if name == "committees:structure" else 0  # the structure's view counter only
    with django_assert_num_queries(budget):
        response = Client().get(_url(name))
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content


def test_a_body_page_is_kept_for_visitors(working_group, django_assert_num_queries):
    url = reverse("committees:body_detail", args=[working_group.pk])
    first = Client().get(url)
    with django_assert_num_queries(0):
        second = Client().get(url)
    assert second.status_code == 200
    assert working_group.name in second.content.decode()
    assert _without_token(first.content) == _without_token(second.content)


def _token(content: bytes) -> str:
    return re.search(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', content)[1].decode()


def _without_token(content: bytes) -> bytes:
    return re.sub(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+', rb"\1", content)


def test_the_kept_page_carries_this_visitors_own_working_csrf_token():
    Client().get(_url("committees:structure"))
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.get(_url("committees:structure"))
    token = _token(response.content)
    assert "csrftoken" in response.cookies  # set as a fresh page would set it
    switched = visitor.post(
        reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302
    # Another visitor's cookie does not accept this token's secret.
    stranger = Client(enforce_csrf_checks=True)
    stranger.get(_url("committees:structure"))
    refused = stranger.post(
        reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": "x" * 64}
    )
    assert refused.status_code == 403


def test_each_language_has_its_own_kept_page():
    persian = Client().get(_url("members:agency_list")).content.decode()
    english_client = Client()
    english_client.cookies["django_language"] = "en"
    english = english_client.get(_url("members:agency_list")).content.decode()
    assert 'lang="fa"' in persian
    assert 'lang="en"' in english


def test_a_write_through_the_models_ends_the_kept_page_at_once(
    working_group, django_capture_on_commit_callbacks
):
    url = reverse("committees:body_detail", args=[working_group.pk])
    assert "نام تازه رکن" not in Client().get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        working_group.name = "نام تازه رکن"
        working_group.save()
    assert "نام تازه رکن" in Client().get(url).content.decode()


def test_a_page_made_while_a_write_committed_is_made_again(
    working_group, monkeypatch, django_capture_on_commit_callbacks
):
    """A visitor reads the version, then a write commits while his page is being made: his
    page is kept tagged with the old version and never served; the next visitor's request
    runs the view and shows the write."""
    from egov_portal import page_cache

    url = reverse("committees:body_detail", args=[working_group.pk])
    real_view_ran = []
    lookup = page_cache._lookup

    def lookup_then_write(key):
        found = lookup(key)
        if not real_view_ran:
            real_view_ran.append(True)
            with django_capture_on_commit_callbacks(execute=True):
                working_group.name = "نام نوشته در میانه"
                working_group.save()
        return found

    monkeypatch.setattr(page_cache, "_lookup", lookup_then_write)
    Client().get(url)  # made from the new name, but tagged with the version read before
    monkeypatch.undo()
    assert "نام نوشته در میانه" in Client().get(url).content.decode()
    version, kept = page_cache._lookup(page_cache._key(_request_for(url)))
    assert kept is not None and kept[0] == version


def _request_for(url):
    from django.test import RequestFactory

    return RequestFactory().get(url)


def test_a_new_agency_appears_in_the_kept_list(django_capture_on_commit_callbacks):
    Client().get(_url("members:agency_list"))
    with django_capture_on_commit_callbacks(execute=True):
        Agency.objects.create(name="اداره کل آزمایشی کیفیت", kind=Agency.objects.first().kind)
    assert "اداره کل آزمایشی کیفیت" in Client().get(_url("members:agency_list")).content.decode()


def test_a_write_that_is_rolled_back_keeps_the_page(working_group):
    """The version moves only on commit: a write that never commits leaves the kept page."""
    url = reverse("committees:body_detail", args=[working_group.pk])
    Client().get(url)
    Body.objects.filter(pk=working_group.pk).update(name="نامی که دیده نمی‌شود")
    assert "نامی که دیده نمی‌شود" not in Client().get(url).content.decode()


def test_a_signed_in_user_never_gets_the_visitors_page():
    Client().get(_url("committees:structure"))
    secretary = client_for("secretary")
    page = secretary.get(_url("committees:structure"))
    assert reverse("logout") in page.content.decode() or 'action="/accounts/logout/' in (
        page.content.decode()
    )
    assert "private" in page["Cache-Control"]
    # …and what he saw is not kept for visitors either.
    visitor = Client().get(_url("committees:structure")).content.decode()
    assert "secretary" not in visitor


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page():
    Client().get(_url("members:agency_list"))
    visitor = Client()
    visitor.cookies["messages"] = "anything"
    with CaptureQueriesContext(connection) as queries:
        visitor.get(_url("members:agency_list"))
    assert len(queries) > 0  # the view ran


def test_the_structure_counter_counts_every_view_even_kept_ones():
    before = PageCounter.objects.filter(key="structure").values_list("views", flat=True).first()
    for _ in range(3):
        Client().get(_url("committees:structure"))
    after = PageCounter.objects.get(key="structure").views
    assert after == (before or 0) + 3


def test_a_refused_or_missing_page_is_not_kept():
    url = reverse("committees:body_detail", args=[999999])
    Client().get(url)
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url).status_code == 404
    assert len(queries) > 0  # asked the database again, not the cache


def test_a_non_public_body_is_never_kept_for_visitors():
    hidden = Body.objects.exclude(kind=BodyKind.WORKING_GROUP).first()
    Body.objects.filter(pk=hidden.pk).update(is_public=False)
    response = Client().get(reverse("committees:body_detail", args=[hidden.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "backend",
    ["egov_portal.cache.ReusedClientRedisCache", "django.core.cache.backends.redis.RedisCache"],
)
def test_with_redis_the_counter_is_an_atomic_increment_written_back_in_steps(settings, backend):
    """With a shared cache the structure's counter is Redis's INCR, seeded from the
    database and written back every COUNTER_FLUSH_EVERY views (the portal's backend does
    it in one round trip; Django's own, as configured elsewhere, in its two)."""
    from egov_portal import services
    from tests.test_jobs import TEST_REDIS_URL, _require_redis

    _require_redis(TEST_REDIS_URL)
    settings.CACHES = {
        "default": {
            "BACKEND": backend,
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": "egov-test-counter",
        }
    }
    cache.clear()
    PageCounter.objects.update_or_create(key="structure", defaults={"views": 100})
    totals = [services.page_view_record(key="structure") for _ in range(25)]
    assert totals == list(range(101, 126))
    # Written back at 120 (a multiple of COUNTER_FLUSH_EVERY), not on every view.
    assert services.COUNTER_FLUSH_EVERY == 20
    assert PageCounter.objects.get(key="structure").views == 120
    # Redis restarted (emptied): the count goes on from the database's figure.
    cache.clear()
    assert services.page_view_record(key="structure") == 121
    # A flush that lands after a later one never takes the stored count back.
    PageCounter.objects.filter(key="structure").update(views=160)
    cache.set("page-views:structure", 139, timeout=None)
    assert services.page_view_record(key="structure") == 140
    assert PageCounter.objects.get(key="structure").views == 160
    cache.clear()


def test_the_bodies_a_user_chairs_are_kept_per_user_until_a_right_changes(
    settings, working_group, steering, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model
    from guardian.shortcuts import assign_perm

    from committees.selectors.structure import chaired_body_ids

    settings.USER_SCOPE_CACHE_SECONDS = 600
    users = get_user_model().objects
    secretary_before = chaired_body_ids(users.get(username="secretary"))
    chair_before = chaired_body_ids(users.get(username="chair"))
    assert steering.pk not in chair_before
    # Kept: a fresh request (a fresh user object) asks the database nothing for it.
    with CaptureQueriesContext(connection) as queries:
        assert chaired_body_ids(users.get(username="chair")) == chair_before
    assert len(queries) == 1  # the user row only
    # Another user's answer is his own.
    assert chaired_body_ids(users.get(username="secretary")) == secretary_before
    with django_capture_on_commit_callbacks(execute=True):
        assign_perm("committees.chair_body", users.get(username="chair"), steering)
    assert steering.pk in chaired_body_ids(users.get(username="chair"))


def test_the_redis_cache_reuses_one_client_per_pool(settings):
    """Django builds a Redis client per operation (each fills ~500 callbacks); the portal's
    backend keeps one per connection pool, and it still reads, writes and counts."""
    from django.core.cache import caches

    from tests.test_jobs import TEST_REDIS_URL, _require_redis

    _require_redis(TEST_REDIS_URL)
    settings.CACHES = {
        "default": {
            "BACKEND": "egov_portal.cache.ReusedClientRedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": "egov-test-client",
        }
    }
    redis_cache = caches["default"]
    redis_cache.clear()
    redis_cache.set("page", (b"<p>", "text/html"), 60)
    assert redis_cache.get("page") == (b"<p>", "text/html")
    redis_cache.add("views", 1)
    assert redis_cache.incr("views") == 2
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    redis_cache.clear()
