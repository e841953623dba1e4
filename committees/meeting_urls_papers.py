"""Agenda papers: upload and download (included by committees/urls.py)."""

from django.urls import path

from committees import paper_views

urlpatterns: list = [
    path("agenda/<int:item_pk>/papers/add/", paper_views.paper_add, name="paper_add"),
    path("papers/<int:pk>/download/", paper_views.paper_download, name="paper_download"),
    path("papers/<int:pk>/delete/", paper_views.paper_delete, name="paper_delete"),
]
