from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("دستگاه‌ها و اشخاص")

    def ready(self) -> None:
        from egov_portal.audit.trail import track

        track("members.PositionHolding", body_path=None)
        track("members.AgencyUserObjectPermission", body_path=None, permission=True)
        # Keys of agency systems: made and revoked (their uses: resolutions.api.audit).
        track("members.AgencyApiToken", body_path=None)
