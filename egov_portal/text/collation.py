"""Ordering names in Persian dictionary order in the database.

``persian_order("name")`` is ``name COLLATE "fa-x-icu"``: ICU's Persian collation on
PostgreSQL (built in, from the ICU library Debian's PostgreSQL is linked with), and on
SQLite a collation of the same name that the portal registers on every new connection,
comparing with :func:`egov_portal.persian.persian_sort_key`. Plain ``order_by("name")``
would give code-point order, which files «کتابخانه» after «ورزش».
"""

from __future__ import annotations

from django.db.models import F
from django.db.models.functions import Collate

from egov_portal.text.persian import persian_sort_key

PERSIAN_COLLATION = "fa-x-icu"


def persian_order(field: str) -> Collate:
    """An ORDER BY expression for ``field`` in Persian dictionary order (ascending; use
    ``.desc()`` for descending)."""
    return Collate(F(field), PERSIAN_COLLATION)


def _compare(a: str, b: str) -> int:
    key_a, key_b = persian_sort_key(a), persian_sort_key(b)
    return (key_a > key_b) - (key_a < key_b)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: teach SQLite the Persian collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(PERSIAN_COLLATION, _compare)
