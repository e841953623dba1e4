"""followup pages (included by resolutions/urls.py)."""

urlpatterns: list = []
