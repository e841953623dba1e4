from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "egov_portal"
    verbose_name = _("درگاه")

    def ready(self) -> None:
        # Connect the security log and the audit trail's signal handlers.
        from egov_portal import audit, security  # noqa: F401
