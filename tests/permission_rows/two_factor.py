"""Rows of the permission matrix for two-factor sign-in: each user's own settings only.

With ``TWO_FACTOR_REQUIRED`` off (the default) and no device, every signed-in persona may
read his settings and start an enrolment; there are no backup codes to show, nothing to
verify and nothing to remove, so those redirect. The verification page is requested after
``member`` has got an authenticator app (the row's kwargs maker gives him one): he, and
only he, is asked for a code. Anonymous visitors are sent to sign in.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.permission_rows import SIGNED_IN_200, every


def _member_has_an_app() -> dict:
    user = get_user_model().objects.get(username="member")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return {}


ROWS = {
    "two_factor:settings": ("get", dict, SIGNED_IN_200),
    "two_factor:enrol": ("get", dict, SIGNED_IN_200),
    "two_factor:backup_codes": ("get", dict, every(302)),
    "two_factor:verify": ("get", _member_has_an_app, {**every(302), "member": 200}),
    "two_factor:remove": ("post", dict, every(302)),
    "two_factor:backup_codes_renew": ("post", dict, every(302)),
}
