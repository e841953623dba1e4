import contextlib

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "egov_portal"
    verbose_name = _("درگاه")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        # Imported for their signal receivers: the security log (sign-ins, refusals) and
        # the audit trail's context; the apps register their audited models themselves.
        from egov_portal.accounts import security  # noqa: F401
        from egov_portal.audit import trail
        from egov_portal.text.collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="persian_collation")
        # Users joining or leaving a group (the governor's office is one) are in the trail.
        trail.track_group_membership()
        # Any write to what the public pages show makes their cached copies stale.
        from egov_portal import page_cache

        page_cache.connect_signals()

        # Django's check (files.E001, so migrate too) wants FILE_UPLOAD_TEMP_DIR to exist: it
        # is made at start-up, and again by the upload handler if removed since. Should that
        # fail (no right to write there), the check says which setting to fix.
        from egov_portal.uploads import upload_temp_dir

        with contextlib.suppress(OSError):
            upload_temp_dir()
