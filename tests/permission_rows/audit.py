"""Rows of the permission matrix for the audit trail page."""

from __future__ import annotations

from tests.permission_rows import every

ROWS = {
    "audit:list": (
        "get",
        dict,
        {**every(403), "anonymous": 302, "admin": 200, "secretary": 200},
    ),
}
