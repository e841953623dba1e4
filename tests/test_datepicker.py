"""The Jalali date picker: the widget asks for it, the vendored files exist and are served,
every page loads them without inline script, and typing any digits still works."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client, override_settings
from django.urls import reverse

from egov_portal.forms import JalaliDateField, JalaliDateInput

VENDOR = Path(settings.BASE_DIR) / "static" / "vendor" / "jalalidatepicker"
ASSETS = (
    "vendor/jalalidatepicker/jalalidatepicker.min.js",
    "vendor/jalalidatepicker/jalalidatepicker.min.css",
    "js/datepicker-init.js",
)


def test_widget_renders_data_jdp_and_stays_editable():
    html = JalaliDateInput().render("day", None)
    assert "data-jdp" in html
    assert 'type="text"' in html
    assert "readonly" not in html


def test_widget_keeps_extra_attrs_and_shows_persian_digits():
    import datetime

    html = JalaliDateInput(attrs={"class": "form-control"}).render("day", datetime.date(2024, 4, 3))
    assert "data-jdp" in html
    assert 'class="form-control"' in html
    assert "۱۴۰۳/۰۱/۱۵" in html


@pytest.mark.parametrize("typed", ["۱۴۰۳/۰۱/۱۵", "1403-01-15", "١٤٠٣/٠١/١٥", "1403/1/15"])
def test_typing_any_digits_with_slash_or_dash_still_parses(typed):
    import jdatetime

    assert JalaliDateField().clean(typed) == jdatetime.date(1403, 1, 15)


def test_vendored_files_and_licence_exist():
    for name in ("jalalidatepicker.min.js", "jalalidatepicker.min.css", "LICENSE"):
        assert (VENDOR / name).stat().st_size > 0
    assert "MIT License" in (VENDOR / "LICENSE").read_text()
    # The unminified build calls eval(), which the CSP refuses: it is not vendored.
    assert not (VENDOR / "jalalidatepicker.js").exists()
    assert "eval(" not in (VENDOR / "jalalidatepicker.min.js").read_text()


def test_vendored_files_reference_nothing_remote():
    for path in VENDOR.iterdir():
        text = path.read_text(errors="ignore")
        assert "sourceMappingURL=http" not in text
        assert "url(http" not in text.replace(" ", "")


def test_vendor_readme_lists_the_package():
    readme = (Path(settings.BASE_DIR) / "static" / "vendor" / "README.md").read_text()
    assert "@majidh1/jalalidatepicker" in readme
    assert "0.9.12" in readme


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
@pytest.mark.parametrize("asset", ASSETS)
def test_assets_are_found_and_served(asset):
    assert finders.find(asset)
    response = Client().get(static(asset))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert len(body) > 100


@pytest.mark.django_db
def test_every_page_loads_the_picker_deferred(client):
    html = client.get(reverse("committees:structure")).content.decode()
    for asset in ASSETS[:1] + ASSETS[2:]:
        assert f'src="/static/{asset}" defer' in html
    assert 'href="/static/vendor/jalalidatepicker/jalalidatepicker.min.css"' in html
