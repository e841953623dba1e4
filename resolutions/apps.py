from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResolutionsConfig(AppConfig):
    name = "resolutions"
    verbose_name = _("مصوبات و ابلاغ‌ها")

    def ready(self) -> None:
        from egov_portal.audit.trail import track

        # The webhook task, for a Celery worker (and the web process that sends it by name).
        from egov_portal.env import redis_url

        # Registers the "meeting_letters" and "dashboard_export" job kinds, in the web
        # process, a Celery worker and every management command alike.
        from resolutions.documents import dashboard_export, letters  # noqa: F401

        # Registers the directives' panel of the user's desk (/me/).
        from resolutions.selectors import desk  # noqa: F401

        if redis_url():
            from resolutions.api import tasks  # noqa: F401

        track("resolutions.Resolution", body_path="meeting__body")
        track("resolutions.ResolutionAgency", body_path="resolution__meeting__body")
        track("resolutions.Directive", body_path="body")
        track("resolutions.ProgressReport", body_path="directive__body")
