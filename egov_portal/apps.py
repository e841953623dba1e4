from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "egov_portal"
    verbose_name = _("درگاه")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        # Connect the security log and the audit trail's signal handlers.
        from egov_portal import audit, security  # noqa: F401
        from egov_portal.collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="persian_collation")
