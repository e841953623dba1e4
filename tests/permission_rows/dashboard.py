"""Rows of the permission matrix for the dashboard, its exports, the register of
resolutions and the public page of resolutions.

Every signed-in persona gets the dashboard and its exports with his own figures (an
outsider an empty state); nothing names an object, so there is nothing to hide with 404.
"""

from __future__ import annotations

from tests.permission_rows import ALL_200, SIGNED_IN_200, every

ROWS = {
    "resolutions:dashboard": ("get", dict, SIGNED_IN_200),
    "resolutions:dashboard_xlsx": ("get", dict, SIGNED_IN_200),
    "resolutions:dashboard_pdf": ("get", dict, SIGNED_IN_200),
    # Without a format it starts nothing and goes back to the dashboard; a visitor is
    # sent to sign in.
    "resolutions:dashboard_export": ("post", dict, every(302)),
    "resolutions:register": ("get", dict, SIGNED_IN_200),
    "resolutions:public_resolutions": ("get", dict, ALL_200),
}
