"""inbox pages (included by resolutions/urls.py)."""

from django.urls import path

from resolutions import inbox_views as views

urlpatterns: list = [
    path("directives/", views.inbox, name="inbox"),
    path("directives/<int:pk>/", views.directive_detail, name="directive_detail"),
    path(
        "directives/<int:pk>/acknowledge/",
        views.directive_acknowledge,
        name="directive_acknowledge",
    ),
    path("directives/<int:pk>/report/", views.directive_report, name="directive_report"),
    path("directives/<int:pk>/verify/", views.directive_verify, name="directive_verify"),
    path("directives/<int:pk>/return/", views.directive_return, name="directive_return"),
    path("directives/<int:pk>/cancel/", views.directive_cancel, name="directive_cancel"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
]
