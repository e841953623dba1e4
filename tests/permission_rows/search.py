"""Rows of the permission matrix for the portal-wide search: open to everyone (each sees
only what he may; see ``tests/test_search.py``)."""

from __future__ import annotations

from tests.permission_rows import ALL_200

ROWS = {
    "resolutions:search": ("get", dict, ALL_200),
}
