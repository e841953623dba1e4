"""Calendar pages and iCal feeds (included by committees/urls.py)."""

urlpatterns: list = []
