"""The permission matrix, area by area.

Each module here defines ``ROWS``: ``{url name: (method, kwargs maker, {persona: status})}``.
The kwargs maker runs inside the test (database available) and returns the URL kwargs.
"""

from __future__ import annotations

import importlib
import pkgutil

from tests.conftest import PERSONAS


def every(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)


ALL_200 = every(200)
SIGNED_IN_200 = {**every(200), "anonymous": 302}


def collect_rows() -> dict:
    rows: dict = {}
    for module in pkgutil.iter_modules(__path__):
        area = importlib.import_module(f"{__name__}.{module.name}")
        duplicated = set(rows) & set(area.ROWS)
        assert not duplicated, f"{module.name} repeats rows: {duplicated}"
        rows.update(area.ROWS)
    return rows
