"""Agenda papers: upload and download (included by committees/urls.py)."""

urlpatterns: list = []
