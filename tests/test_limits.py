"""Request limits: an oversized request is refused from its Content-Length with the portal's
413 page before its body is read; form fields beyond Django's limit and a file name too long
for Django's multipart parser get the portal's pages too, never Django's plain ones."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path, reverse
from django.utils import timezone

from committees.models import Paper
from egov_portal.limits import request_max_bytes

pytestmark = pytest.mark.django_db

reached: list[str] = []


def spy(request):
    reached.append(request.method)
    return HttpResponse("reached")


# The portal's URLs plus one view that records being reached (used with pytest.mark.urls).
urlpatterns = [path("spy/", spy), path("", include("egov_portal.urls"))]


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the request body was read")

    readline = read


@pytest.fixture(autouse=True)
def no_calls():
    reached.clear()


def declared(length: int) -> dict[str, object]:
    return {"CONTENT_LENGTH": str(length), "wsgi.input": UnreadableBody()}


def test_default_limit_is_the_upload_limit_plus_a_megabyte_for_the_fields():
    assert request_max_bytes() == settings.UPLOAD_MAX_BYTES + 1024 * 1024 == 21 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 1024 * 1024


@pytest.mark.urls("tests.test_limits")
def test_oversized_request_gets_413_before_the_body_or_the_view(client):
    response = client.post(
        "/spy/", b"x", content_type="application/pdf", **declared(120 * 1024 * 1024)
    )
    assert response.status_code == 413
    assert reached == []
    assert response.templates[0].name == "413.html"
    html = response.content.decode()
    assert "درخواست بیش از حد بزرگ است (۴۱۳)" in html
    assert "بیش از ۲۱ مگابایت بود" in html and "حداکثر ۲۰ مگابایت است" in html
    # The page went back through the header middleware and speaks the portal's language.
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Language"] == "fa"


@pytest.mark.urls("tests.test_limits")
def test_request_of_exactly_the_limit_reaches_the_view(client):
    response = client.post(
        "/spy/", b"x", content_type="application/pdf", **declared(request_max_bytes())
    )
    assert response.status_code == 200
    assert reached == ["POST"]


@pytest.mark.urls("tests.test_limits")
def test_limit_follows_the_setting(client, settings):
    settings.REQUEST_MAX_BYTES = 1000
    assert client.post("/spy/", b"x", content_type="text/plain", **declared(1001)).status_code == (
        413
    )
    assert client.post("/spy/", b"x", content_type="text/plain", **declared(1000)).status_code == (
        200
    )


def test_oversized_upload_to_the_papers_url_is_refused_from_its_header(persona_client):
    url = reverse("committees:paper_add", args=[1])
    response = persona_client("secretary").post(
        url, b"--x--", content_type="multipart/form-data; boundary=x", **declared(10**9)
    )
    assert response.status_code == 413
    assert "درخواست بیش از حد بزرگ است (۴۱۳)" in response.content.decode()


def test_413_page_in_english_for_who_chose_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("login"), b"x", content_type="text/plain", **declared(10**9))
    assert response.status_code == 413
    assert response["Content-Language"] == "en"
    assert "Request too large (413)" in response.content.decode()


def test_form_fields_beyond_djangos_limit_get_the_413_page(client):
    response = client.post(reverse("login"), {"username": "x" * (1024 * 1024 + 1)})
    assert response.status_code == 413
    html = response.content.decode()
    assert "درخواست بیش از حد بزرگ است (۴۱۳)" in html
    assert "متن‌های فرم (بی‌پیوست‌ها) روی هم بیش از ۱ مگابایت بود" in html


def _multipart_with_file_name(name: str, content: bytes = b"%PDF-1.4 tiny") -> tuple[bytes, str]:
    """A form with one file, as a browser sends it: the name raw in UTF-8 (Django's test
    client would cut it to 255 characters first)."""
    boundary = "portal-test-boundary"
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    body = head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_file_name_of_600_persian_letters_gets_the_portals_400_page():
    """600 Persian letters are 1,200 bytes, beyond the 1 KB Django's multipart parser allows
    for a part's headers: the portal's page says the name is too long."""
    body, content_type = _multipart_with_file_name("گزارش عملکرد " * 50 + ".pdf")
    # As in production, the CSRF check reads the form (and meets the name) before the view.
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    response = client.post(
        reverse("committees:paper_add", args=[1]), body, content_type=content_type
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "درخواست نادرست (۴۰۰)" in html
    assert "نام پرونده‌ای که فرستادید بیش از حد بلند است" in html
    assert "Bad Request (400)" not in html


# --- long file names on large uploads -------------------------------------------------------

LARGE_PDF = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)  # beyond the 2.5 MB kept in memory


@pytest.mark.parametrize(
    ("name", "kept"),
    [("a." + "b" * 250, "a." + "b" * 15), ("a." + "b" * 700, "a." + "b" * 15)],
)
def test_large_upload_with_an_overlong_extension_is_read_with_the_name_cut(rf, name, kept):
    """Django names the temporary file ``tmp….upload<extension>``: with 250 characters of
    extension the system refused the name, and the request was a 500."""
    body, content_type = _multipart_with_file_name(name, LARGE_PDF)
    request = rf.post("/", body, content_type=content_type)
    uploaded = request.FILES["file"]
    try:
        assert uploaded.name == kept
        assert uploaded.size == len(LARGE_PDF)
        assert len(uploaded.temporary_file_path().rsplit("/", 1)[-1]) < 255
    finally:
        uploaded.close()


@pytest.fixture
def item(working_group, settings, tmp_path):
    """An agenda item to attach papers to, with a private storage of the test's own."""
    from committees.services.meetings import agenda_item_add, meeting_create

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }

    meeting = meeting_create(
        body=working_group,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place="استانداری",
        created_by=None,
    )
    return agenda_item_add(meeting=meeting, title="گزارش پیشرفت پروژه‌ها")


def _post_paper(client, item, name: str, content: bytes):
    body, content_type = _multipart_with_file_name(name, content)
    url = reverse("committees:paper_add", args=[item.pk])
    return client.post(url, body, content_type=content_type)


def test_large_upload_with_a_700_character_extension_is_refused_in_persian(persona_client, item):
    response = _post_paper(persona_client("secretary"), item, "a." + "b" * 700, LARGE_PDF)
    assert response.status_code == 302
    messages = [m.message for m in get_messages(response.wsgi_request)]
    # The refusal names the file (the papers form takes several at once).
    assert messages == [f"«a.{'b' * 15}»: پسوند پرونده با محتوای آن نمی‌خواند."]
    assert not Paper.objects.filter(agenda_item=item).exists()
