"""Rows of the permission matrix for the help pages: everyone may read them."""

from __future__ import annotations

from tests.permission_rows import ALL_200

ROWS = {
    "help:index": ("get", dict, ALL_200),
    "help:page": ("get", lambda: {"slug": "secretariat"}, ALL_200),
}
