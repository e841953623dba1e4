"""The README's pictures of the minutes and of a letter (``tests/document_pictures.py``):
``make screenshots`` runs this test and copies what it writes to docs/screenshots/."""

from __future__ import annotations

import math

from PIL import Image

from tests.browser_helpers import SCREENSHOTS
from tests.document_pictures import RESOLUTION, document_pictures


def test_document_pictures_are_one_printed_a4_page_each(db):
    pictures = document_pictures(SCREENSHOTS)

    assert sorted(pictures) == ["letter-page-1", "minutes-page-1"]
    for name, path in pictures.items():
        assert path == SCREENSHOTS / f"{name}.png"
        assert 0 < path.stat().st_size < 400_000
        with Image.open(path) as image:
            assert image.format == "PNG"
            # One A4 page (210 x 297 mm) at RESOLUTION dpi, portrait (pdftoppm rounds up).
            size = (math.ceil(210 / 25.4 * RESOLUTION), math.ceil(297 / 25.4 * RESOLUTION))
            assert image.size == size
            darkest, lightest = image.convert("L").getextrema()
            assert darkest < 100 < lightest, f"{name} is blank"
    # -singlefile: the first page only, no «-1», «-2» siblings.
    assert not list(SCREENSHOTS.glob("minutes-page-1-*.png"))
    assert not list(SCREENSHOTS.glob("letter-page-1-*.png"))
