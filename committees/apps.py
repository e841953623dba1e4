from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("ارکان و کمیته‌ها")

    def ready(self) -> None:
        # Registers the committees' panels of the user's desk (/me/).
        from committees.permissions import secretariat_body_ids
        from committees.selectors import desk  # noqa: F401
        from egov_portal.audit.trail import track
        from egov_portal.scopes import provide_secretariat_body_ids

        provide_secretariat_body_ids(secretariat_body_ids)
        track("committees.Body", body_path="pk")
        track("committees.Seat", body_path="body")
        track("committees.Membership", body_path="seat__body")
        track("committees.Meeting", body_path="body")
        track("committees.Minutes", body_path="meeting__body")
        track("committees.AgendaItem", body_path="meeting__body")
        track("committees.Invitation", body_path="meeting__body")
        track("committees.MinutesComment", body_path="minutes__meeting__body")
        track("committees.BodyUserObjectPermission", body_path="content_object", permission=True)
