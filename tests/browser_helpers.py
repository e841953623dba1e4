"""What the browser tests share: where screenshots go and how they are taken."""

from __future__ import annotations

from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


def session_cookies(persona: str, base_url: str) -> list[dict]:
    """The session cookie of ``persona`` signed in (none for "anonymous"), for
    ``context.add_cookies``: a browser test starts signed in without the sign-in form."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    if persona == "anonymous":
        return []
    client = Client()
    client.force_login(get_user_model().objects.get(username=persona))
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base_url}]


def screenshot(page, name: str, width: int) -> None:
    """A full-page screenshot of the current page at ``width`` px, saved as
    ``<name>-<width>.png``; the page is back at its old size after."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    page.set_viewport_size({"width": width, "height": 900})
    page.reload(wait_until="networkidle")
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(before)


#: The screenshots the README shows, as the browser tests (and tests/test_document_pictures.py)
#: name them.
README_SCREENSHOTS = (
    "structure-1280",
    "meeting-1280",
    "directive-1280",
    "inbox-375",
    "dashboard-1280",
    "agencies-en-1280",
    # The printed documents' first pages (tests/document_pictures.py).
    "minutes-page-1",
    "letter-page-1",
)
DOCS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def publish() -> list[Path]:
    """Copy the README's screenshots from the last browser-test run into docs/, reduced to
    256 colours (a third of the size, no visible loss for pages of text)."""
    from PIL import Image  # WeasyPrint's dependency

    DOCS.mkdir(parents=True, exist_ok=True)
    written = []
    for name in README_SCREENSHOTS:
        source = SCREENSHOTS / f"{name}.png"
        if not source.exists():
            raise SystemExit(f"{source} is missing: run the browser tests first")
        target = DOCS / f"{name}.png"
        with Image.open(source) as image:
            image.convert("RGB").quantize(colors=256).save(target, optimize=True)
        written.append(target)
    return written


if __name__ == "__main__":
    for path in publish():
        print(path)
