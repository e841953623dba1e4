from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "egov_portal"
    verbose_name = _("درگاه")

    def ready(self) -> None:
        from egov_portal import security  # noqa: F401  (connects the security log)
