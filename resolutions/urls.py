"""Every page of the resolutions app, grouped by what the user is doing."""

from django.urls import path

from egov_portal.jobs import views as jobs
from resolutions.api import pages as api_pages
from resolutions.api import views as api
from resolutions.oparl import views as oparl
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
    path(
        "resolutions/<int:pk>/restore/", resolutions.resolution_restore, name="resolution_restore"
    ),
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
    path("dashboard/export/", dashboard.dashboard_export, name="dashboard_export"),
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

# The directives API for agency systems (resolutions/api/), and the OpenAPI document.
api_patterns = [
    path("api/v1/directives/", api.DirectiveList.as_view(), name="api_directive_list"),
    path("api/v1/directives/<int:pk>/", api.DirectiveDetail.as_view(), name="api_directive_detail"),
    path(
        "api/v1/directives/<int:pk>/acknowledge/",
        api.DirectiveAcknowledge.as_view(),
        name="api_directive_acknowledge",
    ),
    path(
        "api/v1/directives/<int:pk>/reports/",
        api.DirectiveReports.as_view(),
        name="api_directive_reports",
    ),
    path(
        "api/v1/directives/<int:pk>/letter.pdf",
        api.DirectiveLetter.as_view(),
        name="api_directive_letter",
    ),
    path("api/v1/meetings/", api.MeetingList.as_view(), name="api_meeting_list"),
    path("api/v1/schema/", api.SchemaView.as_view(), name="api_schema"),
    path("api/v1/docs/", api.api_docs, name="api_docs"),
]

# An agency's keys and webhooks, for its IT manager (and administrators).
agency_system_patterns = [
    path("agencies/<int:pk>/api-tokens/", api_pages.api_tokens, name="agency_api_tokens"),
    path(
        "agencies/<int:pk>/api-tokens/<int:token_pk>/revoke/",
        api_pages.api_token_revoke,
        name="agency_api_token_revoke",
    ),
    path("agencies/<int:pk>/webhooks/", api_pages.webhooks_page, name="agency_webhooks"),
    path(
        "agencies/<int:pk>/webhooks/<int:webhook_pk>/deactivate/",
        api_pages.webhook_deactivate,
        name="agency_webhook_deactivate",
    ),
]

# Open data: the public records as OParl 1.1, read-only, for anyone (resolutions/oparl/).
oparl_patterns = [
    path("oparl/v1.1/", oparl.system, name="oparl_system"),
    path("oparl/v1.1/body/", oparl.body_list, name="oparl_body_list"),
    path("oparl/v1.1/body/<int:pk>/", oparl.body, name="oparl_body"),
    path(
        "oparl/v1.1/body/<int:pk>/organization/",
        oparl.body_organizations,
        name="oparl_body_organizations",
    ),
    path("oparl/v1.1/body/<int:pk>/person/", oparl.body_persons, name="oparl_body_persons"),
    path("oparl/v1.1/body/<int:pk>/meeting/", oparl.body_meetings, name="oparl_body_meetings"),
    path("oparl/v1.1/body/<int:pk>/paper/", oparl.body_papers, name="oparl_body_papers"),
    path("oparl/v1.1/organization/<int:pk>/", oparl.organization, name="oparl_organization"),
    path(
        "oparl/v1.1/organization/<int:pk>/meeting/",
        oparl.organization_meetings,
        name="oparl_organization_meetings",
    ),
    path("oparl/v1.1/person/<int:pk>/", oparl.person, name="oparl_person"),
    path("oparl/v1.1/membership/<int:pk>/", oparl.membership, name="oparl_membership"),
    path(
        "oparl/v1.1/membership/post/<int:seat_pk>/<int:holding_pk>/",
        oparl.post_membership,
        name="oparl_post_membership",
    ),
    path("oparl/v1.1/meeting/<int:pk>/", oparl.meeting, name="oparl_meeting"),
    path("oparl/v1.1/meeting/<int:pk>/location/", oparl.location, name="oparl_location"),
    path("oparl/v1.1/agendaitem/<int:pk>/", oparl.agenda_item, name="oparl_agenda_item"),
    path("oparl/v1.1/file/<int:pk>/", oparl.file, name="oparl_file"),
    path("oparl/v1.1/file/<int:pk>/download/", oparl.file_download, name="oparl_file_download"),
    path("oparl/v1.1/paper/<int:pk>/", oparl.paper, name="oparl_paper"),
    path("oparl/v1.1/consultation/<int:pk>/", oparl.consultation, name="oparl_consultation"),
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
    *api_patterns,
    *agency_system_patterns,
    *oparl_patterns,
]
