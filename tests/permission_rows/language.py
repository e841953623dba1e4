"""Rows of the permission matrix for the language switch: anyone may choose a language."""

from __future__ import annotations

from tests.permission_rows import every

ROWS = {
    # Django's set_language: POST only, then back to the page (here "/", no `next`).
    "set_language": ("post", dict, every(302)),
}
