"""The help pages: one per kind of user, readable by everyone, every link alive."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from egov_portal.help.views import HELP_PAGES
from tests.conftest import PERSONAS, client_for

HREF = re.compile(r'href="([^"]+)"')
SLUGS = [page.slug for page in HELP_PAGES]


def _links(html: str) -> set[str]:
    """The portal's own links on a page: absolute paths, without their fragments."""
    links = set()
    for href in HREF.findall(html):
        path = urlsplit(href.replace("&amp;", "&")).path
        if path.startswith("/") and not path.startswith("/static/"):
            links.add(path)
    return links


def test_help_covers_every_role():
    assert SLUGS == [
        "visitor",
        "member",
        "secretariat",
        "chair",
        "it-manager",
        "governor-office",
        "admin",
    ]


@pytest.mark.django_db
def test_help_index_lists_every_page(client):
    response = client.get(reverse("help:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "راهنمای درگاه" in html
    for page in HELP_PAGES:
        assert reverse("help:page", kwargs={"slug": page.slug}) in html
        assert str(page.title) in html
        assert str(page.audience) in html


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SLUGS)
def test_help_page_shows_its_title(client, slug):
    page = next(p for p in HELP_PAGES if p.slug == slug)
    response = client.get(reverse("help:page", kwargs={"slug": slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>{page.title} |" in html
    assert f'<h1 class="page-title h3">{page.title}</h1>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["nobody", "Secretariat", "it_manager", "index"])
def test_help_unknown_slug_is_404(client, slug):
    assert client.get(reverse("help:page", kwargs={"slug": slug})).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_help_is_readable_by_everyone(persona):
    client = client_for(persona)
    assert client.get(reverse("help:index")).status_code == 200
    for slug in SLUGS:
        assert client.get(reverse("help:page", kwargs={"slug": slug})).status_code == 200


@pytest.mark.django_db
def test_help_page_names_the_real_buttons(client):
    """Spot checks that the guides use the portal's own labels."""
    expected = {
        "member": ["ثبت پاسخ", "ثبت نظر", "نظر شما درباره پیش‌نویس"],
        "secretariat": [
            "جلسه تازه",
            "ارسال دعوت‌نامه‌ها",
            "ثبت حضور و غیاب",
            "ارسال پیش‌نویس برای بررسی حاضران",
            "یا مهلت به روز کاری پس از ابلاغ",
            "ارجاع‌های رسیده",
            "تهیه همه نامه‌ها در یک PDF",
        ],
        "chair": ["تصویب صورتجلسه", "بله، تصویب می‌کنم"],
        "it-manager": ["اعلام رسید", "ثبت گزارش", "برگشت برای تکمیل"],
        "governor-office": ["خروجی اکسل", "خروجی PDF"],
        "admin": ["اداره امور رکن (دبیرخانه)", "دفتر استاندار", "تلاش‌های دسترسی"],
        "visitor": ["نسخه چاپی", "بررسی", "این صورتجلسه معتبر است"],
    }
    for slug, labels in expected.items():
        html = client.get(reverse("help:page", kwargs={"slug": slug})).content.decode()
        for label in labels:
            assert label in html, (slug, label)


@pytest.mark.django_db
def test_every_link_on_the_help_pages_resolves():
    anonymous = client_for("anonymous")
    pages = [reverse("help:index")] + [reverse("help:page", kwargs={"slug": s}) for s in SLUGS]
    links: set[str] = set()
    for url in pages:
        links |= _links(anonymous.get(url).content.decode())
    # The guides link to the real pages: structure, inbox, dashboard, admin lists …
    assert {
        reverse("committees:structure"),
        reverse("resolutions:inbox"),
        reverse("resolutions:dashboard"),
        reverse("resolutions:verify"),
        reverse("admin:auth_user_changelist"),
    } <= links
    secretary = client_for("secretary")
    broken = {}
    for link in sorted(links):
        status = secretary.get(link, follow=True).status_code
        if status >= 400 and status != 405:
            broken[link] = status
    assert broken == {}
