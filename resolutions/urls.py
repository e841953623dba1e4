"""Every page of the resolutions app, grouped by what the user is doing."""

from django.urls import path

from egov_portal.jobs import views as jobs
from resolutions.views import (
    dashboard,
    directives,
    followup,
    letters,
    minutes,
    register,
    resolutions,
    search,
)

app_name = "resolutions"

resolution_patterns = [
    path("meetings/<int:pk>/resolutions/add/", resolutions.resolution_add, name="resolution_add"),
    path(
        "meetings/<int:pk>/resolutions/reorder/",
        resolutions.resolution_reorder,
        name="resolution_reorder",
    ),
    path("resolutions/<int:pk>/edit/", resolutions.resolution_edit, name="resolution_edit"),
    path("resolutions/<int:pk>/delete/", resolutions.resolution_delete, name="resolution_delete"),
]

minutes_patterns = [
    path("meetings/<int:pk>/minutes/approve/", minutes.minutes_approve, name="minutes_approve"),
    path("meetings/<int:pk>/minutes.pdf", minutes.minutes_pdf, name="minutes_pdf"),
    path("meetings/<int:pk>/minutes/print/", minutes.minutes_print, name="minutes_print"),
    path("verify/", minutes.verify, name="verify"),
    path("verify/<str:fingerprint>/", minutes.verify_fingerprint, name="verify_fingerprint"),
]

directive_patterns = [
    path("directives/", directives.inbox, name="inbox"),
    path("directives/<int:pk>/", directives.directive_detail, name="directive_detail"),
    path(
        "directives/<int:pk>/acknowledge/",
        directives.directive_acknowledge,
        name="directive_acknowledge",
    ),
    path("directives/<int:pk>/report/", directives.directive_report, name="directive_report"),
    path("directives/<int:pk>/verify/", directives.directive_verify, name="directive_verify"),
    path("directives/<int:pk>/return/", directives.directive_return, name="directive_return"),
    path("directives/<int:pk>/cancel/", directives.directive_cancel, name="directive_cancel"),
    path("evidence/<int:pk>/download/", directives.evidence_download, name="evidence_download"),
]

letter_patterns = [
    path("directives/<int:pk>/letter.pdf", letters.directive_letter, name="directive_letter"),
    path("meetings/<int:pk>/letters/", letters.meeting_letters, name="meeting_letters"),
]

# The letters are made by background jobs; the job pages are the core's (egov_portal.jobs),
# served here under their historical names.
job_patterns = [
    path("jobs/<uuid:pk>/", jobs.job_detail, name="job_detail"),
    path("jobs/<uuid:pk>/status.json", jobs.job_status, name="job_status"),
    path("jobs/<uuid:pk>/download/", jobs.job_download, name="job_download"),
]

dashboard_patterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/export.xlsx", dashboard.dashboard_xlsx, name="dashboard_xlsx"),
    path("dashboard/export.pdf", dashboard.dashboard_pdf, name="dashboard_pdf"),
]

register_patterns = [
    path("resolutions/", register.register, name="register"),
    path("public/resolutions/", register.public_resolutions, name="public_resolutions"),
]

followup_patterns = [
    path("bodies/<int:pk>/referrals/", followup.referral_queue, name="referral_queue"),
    path("bodies/<int:pk>/referrals/sent/", followup.referrals_sent, name="referrals_sent"),
    path("referrals/<int:pk>/place/", followup.referral_place, name="referral_place"),
    path("bodies/<int:pk>/overdue/", followup.overdue_list, name="overdue_list"),
]

search_patterns = [
    path("search/", search.search, name="search"),
]

urlpatterns = [
    *resolution_patterns,
    *minutes_patterns,
    *directive_patterns,
    *letter_patterns,
    *job_patterns,
    *dashboard_patterns,
    *register_patterns,
    *followup_patterns,
    *search_patterns,
]
