"""Every URL pattern × every persona, with the status each must get.

The rows live in ``tests/permission_rows/<area>.py`` (a ``ROWS`` dict each). A new URL
pattern without a row fails ``test_matrix_covers_every_url_pattern``.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import PERSONAS, client_for
from tests.permission_rows import collect_rows

MATRIX = collect_rows()

# The admin site guards itself; its URLs are checked model by model below.
SELF_GUARDED_NAMESPACES = {"admin"}

SIGN_IN_PATH = "/accounts/login/"
# The rows whose 302 for the anonymous visitor is not the way to the sign-in page, and
# where it leads instead: signing out and choosing the language go back to the home page.
ANONYMOUS_REDIRECTS = {"logout": "/", "set_language": "/"}


def _url_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_matrix_covers_every_url_pattern():
    names = {
        n
        for n in _url_names(get_resolver().url_patterns)
        if n.split(":")[0] not in SELF_GUARDED_NAMESPACES
    }
    assert names - set(MATRIX) == set(), "add these URL patterns to the permission matrix"
    assert set(MATRIX) - names == set(), "these matrix rows name no URL pattern"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", sorted(MATRIX))
@pytest.mark.django_db
def test_permission_matrix(url_name, persona):
    method, kwargs, expected = MATRIX[url_name]
    url = reverse(url_name, kwargs=kwargs())
    response = getattr(client_for(persona), method)(url)
    assert response.status_code == expected[persona]
    if persona == "anonymous" and expected[persona] == 302:
        location = response["Location"]
        if url_name in ANONYMOUS_REDIRECTS:
            assert location == ANONYMOUS_REDIRECTS[url_name]
        else:
            # To the sign-in page, which then brings him back to this very URL.
            assert location.startswith(f"{SIGN_IN_PATH}?next=")
            parts = urlsplit(location)
            assert (parts.path, parse_qs(parts.query)) == (SIGN_IN_PATH, {"next": [url]})


def _admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "admin"])
def test_admin_refuses_everyone_but_administrators(persona):
    client = client_for(persona)
    for url in _admin_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_admin_lists_every_model_for_the_administrator():
    client = client_for("admin")
    for url in _admin_urls():
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_every_project_model_is_in_the_admin():
    ours = {"egov_portal", "members", "committees", "resolutions"}
    models = {m for m in apps.get_models() if m._meta.app_label in ours}
    assert models - set(admin.site._registry) == set()
