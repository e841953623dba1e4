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
        from egov_portal.audit import trail  # noqa: F401
        from egov_portal.text.collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="persian_collation")
