"""ASGI entry point (gunicorn egov_portal.asgi)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_portal.settings")

application = get_asgi_application()
