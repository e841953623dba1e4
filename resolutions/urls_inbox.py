"""inbox pages (included by resolutions/urls.py)."""

urlpatterns: list = []
