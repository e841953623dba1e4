"""The directives API for agency systems: keys, the agency's directives, acknowledging and
reporting through the same services as the pages, errors as JSON with stable codes, rate
limits and the audit trail."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from egov_portal.models import AuditEvent, AuditSource
from egov_portal.text.jalali import to_jalali
from members.models import AgencyApiToken
from members.services import agency_api_token_create, agency_api_token_revoke
from resolutions.models import Directive, DirectiveState, ProgressReport
from resolutions.services import directives as follow
from tests.api_helpers import (
    MINIMAL_PDF,
    agency_key,
    api_client,
    directive_for,
    education_directive,
)
from tests.directive_helpers import education, water
from tests.meeting_helpers import user

LIST = "/api/v1/directives/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def detail_url(directive: Directive) -> str:
    return f"/api/v1/directives/{directive.pk}/"


# --- keys ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_key_is_stored_as_its_hash_only():
    token, secret = agency_key(education())
    assert secret.startswith("egov_") and len(secret) > 40
    stored = AgencyApiToken.objects.get(pk=token.pk)
    assert secret not in {stored.key_hash, stored.prefix, stored.name}
    assert len(stored.key_hash) == 64
    assert secret.startswith(stored.prefix)
    # the agency's system account acts for it and cannot sign in
    assert stored.account.username == f"agency-system-{education().pk}"
    assert not stored.account.has_usable_password() and not stored.account.is_active


@pytest.mark.django_db
def test_a_key_refuses_a_past_expiry_and_a_bad_address_list():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as expired:
        agency_api_token_create(
            agency=education(), name="x", expires_at=timezone.now() - datetime.timedelta(1)
        )
    assert "expires_at" in expired.value.error_dict
    with pytest.raises(ValidationError) as bad:
        agency_key(education(), addresses="10.0.0.0/8\nnot-an-address")
    assert "not-an-address" in str(bad.value)
    assert not AgencyApiToken.objects.exists()


# --- reading -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_shows_only_the_agencys_own_directives(working_group):
    mine = education_directive(working_group)
    theirs = directive_for(water(), working_group)
    _token, secret = agency_key(education())
    response = api_client(secret).get(LIST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    ids = [row["id"] for row in body["results"]]
    assert mine.pk in ids and theirs.pk not in ids
    row = next(r for r in body["results"] if r["id"] == mine.pk)
    assert row["letter_number"] == mine.letter_number
    assert row["state"] == "issued"
    assert row["issued_on"] == mine.issued_on.togregorian().isoformat()
    assert row["url"].endswith(detail_url(mine))


@pytest.mark.django_db
def test_list_filters_by_state_and_modified_since(working_group):
    first = education_directive(working_group)
    second = education_directive(working_group)
    follow.directive_acknowledge(directive=second, user=user("itmanager"))
    _token, secret = agency_key(education())
    client = api_client(secret)
    acknowledged = [r["id"] for r in client.get(LIST, {"state": "acknowledged"}).json()["results"]]
    assert second.pk in acknowledged and first.pk not in acknowledged
    assert set(acknowledged) == set(
        Directive.objects.filter(agency=education(), state="acknowledged").values_list(
            "pk", flat=True
        )
    )
    Directive.objects.filter(pk=first.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=3)
    )
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    recent = client.get(LIST, {"modified_since": since}).json()["results"]
    assert first.pk not in [r["id"] for r in recent] and second.pk in [r["id"] for r in recent]


@pytest.mark.django_db
def test_list_is_kept_per_agency_until_a_write(
    settings, working_group, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """With the cache on, a second call answers from it (the key, the limit and the audit
    record still apply); another agency never gets the first one's answer; a write ends it
    once it commits; a refused filter is never kept."""
    settings.API_LIST_CACHE_SECONDS = 300
    mine = education_directive(working_group)
    theirs = directive_for(water(), working_group)
    token, secret = agency_key(education())
    _other, other_secret = agency_key(water())
    client = api_client(secret)
    first = client.get(LIST).json()
    with django_assert_num_queries(2):  # the key and the audit record: no directive read
        kept = client.get(LIST)
    assert kept.status_code == 200 and kept.json() == first
    assert "no-store" in kept["Cache-Control"]
    others = [r["id"] for r in api_client(other_secret).get(LIST).json()["results"]]
    assert theirs.pk in others and mine.pk not in others

    with django_capture_on_commit_callbacks(execute=True):
        follow.directive_acknowledge(directive=mine, user=user("itmanager"))
    row = next(r for r in client.get(LIST).json()["results"] if r["id"] == mine.pk)
    assert row["state"] == "acknowledged"

    assert client.get(LIST, {"state": "nonsense"}).status_code == 400
    assert client.get(LIST, {"state": "nonsense"}).status_code == 400
    uses = AuditEvent.objects.filter(
        model="members.AgencyApiToken", object_id=str(token.pk), action="api_call"
    )
    assert (
        uses.filter(after__status=200).count() == 3 and uses.filter(after__status=400).count() == 2
    )


@pytest.mark.django_db
def test_last_use_is_written_at_most_once_a_minute_per_address(working_group):
    token, secret = agency_key(education())
    api_client(secret).get(LIST)
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None and token.last_used_from == "127.0.0.1"
    api_client(secret).get(LIST)
    token.refresh_from_db()
    assert token.last_used_at == first_use  # within the minute: not written again
    api_client(secret, address="127.0.0.2").get(LIST)
    token.refresh_from_db()
    assert token.last_used_from == "127.0.0.2"  # another address is written at once
    AgencyApiToken.objects.filter(pk=token.pk).update(
        last_used_at=first_use - datetime.timedelta(minutes=2)
    )
    api_client(secret, address="127.0.0.2").get(LIST)
    token.refresh_from_db()
    assert token.last_used_at > first_use


@pytest.mark.django_db
def test_list_is_paginated(working_group):
    for _ in range(3):
        education_directive(working_group)
    total = Directive.objects.filter(agency=education()).count()
    _token, secret = agency_key(education())
    client = api_client(secret)
    seen, url, params = [], LIST, {"page_size": 2}
    while url:
        page = client.get(url, params).json()
        assert page["count"] == total and len(page["results"]) <= 2
        seen += [row["id"] for row in page["results"]]
        url, params = page["next"], None
    assert sorted(seen) == sorted(
        Directive.objects.filter(agency=education()).values_list("pk", flat=True)
    )
    assert client.get(LIST, {"page": 999}).json()["code"] == "not_found"


@pytest.mark.django_db
def test_bad_filters_are_a_json_400_with_a_code(working_group):
    _token, secret = agency_key(education())
    response = api_client(secret).get(LIST, {"state": "nonsense", "modified_since": "yesterday"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_choice"
    assert set(body["errors"]) == {"state", "modified_since"}
    assert body["detail"]


@pytest.mark.django_db
def test_detail_has_the_text_deadline_rule_chain_and_letter(working_group):
    directive = education_directive(working_group)
    _token, secret = agency_key(education())
    body = api_client(secret).get(detail_url(directive)).json()
    assert body["resolution"]["text"] == directive.resolution.text
    assert body["deadline_rule"] == directive.deadline_rule and "روز کاری" in body["deadline_rule"]
    assert body["due_date"] == directive.due_date.togregorian().isoformat()
    chain = [item["title"] for item in body["legal_chain"]]
    assert chain == [basis.title for basis in working_group.legal_chain()]
    assert body["legal_chain"][-1]["article"] == "ماده ۶"
    assert body["letter_pdf"].endswith(f"/api/v1/directives/{directive.pk}/letter.pdf")
    assert [event["state"] for event in body["history"]] == ["issued"]


@pytest.mark.django_db
def test_letter_pdf_for_the_key(working_group):
    directive = education_directive(working_group)
    _token, secret = agency_key(education())
    response = api_client(secret).get(f"/api/v1/directives/{directive.pk}/letter.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_another_agencys_directive_is_404_everywhere(working_group):
    theirs = directive_for(water(), working_group)
    _token, secret = agency_key(education())
    client = api_client(secret)
    for method, url in [
        ("get", detail_url(theirs)),
        ("get", f"{detail_url(theirs)}letter.pdf"),
        ("post", f"{detail_url(theirs)}acknowledge/"),
        ("post", f"{detail_url(theirs)}reports/"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.state == DirectiveState.ISSUED


# --- writing -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_acknowledge_is_idempotent_and_recorded_as_the_agency_system(working_group):
    directive = education_directive(working_group)
    token, secret = agency_key(education())
    client = api_client(secret)
    first = client.post(f"{detail_url(directive)}acknowledge/")
    second = client.post(f"{detail_url(directive)}acknowledge/")
    assert first.status_code == second.status_code == 200
    assert first.json()["state"] == second.json()["state"] == "acknowledged"
    directive.refresh_from_db()
    assert directive.acknowledged_by == token.account
    assert directive.events.filter(state="acknowledged").count() == 1
    change = AuditEvent.objects.filter(
        model="resolutions.Directive", object_id=str(directive.pk), action="transition"
    ).get()
    assert (change.source, change.actor_id) == (AuditSource.API, token.account_id)


@pytest.mark.django_db
def test_report_with_a_file_goes_through_the_service(working_group, media_root):
    directive = education_directive(working_group)
    _token, secret = agency_key(education())
    client = api_client(secret)
    client.post(f"{detail_url(directive)}acknowledge/")
    upload = SimpleUploadedFile("گزارش.pdf", MINIMAL_PDF, content_type="application/pdf")
    response = client.post(
        f"{detail_url(directive)}reports/",
        {"percent": "۴۰", "narrative": "راه‌اندازی نسخه آزمایشی", "evidence": [upload]},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["percent"] == 40
    assert [e["name"] for e in body["evidence"]] == ["گزارش.pdf"]
    directive.refresh_from_db()
    assert (directive.state, directive.progress) == (DirectiveState.IN_PROGRESS, 40)
    detail = client.get(detail_url(directive)).json()
    assert detail["reports"][0]["evidence"][0]["sha256"] == body["evidence"][0]["sha256"]


@pytest.mark.django_db
def test_report_is_refused_like_the_page_and_changes_nothing(working_group, media_root):
    directive = education_directive(working_group)
    _token, secret = agency_key(education())
    client = api_client(secret)
    url = f"{detail_url(directive)}reports/"
    early = client.post(url, {"percent": 10, "narrative": "آغاز"}, content_type="application/json")
    assert early.status_code == 409
    assert early.json()["code"] == "not_acknowledged"
    client.post(f"{detail_url(directive)}acknowledge/")
    too_much = client.post(url, {"percent": 140, "narrative": "x"}, content_type="application/json")
    assert too_much.status_code == 400 and "percent" in too_much.json()["errors"]
    blank = client.post(url, {"percent": 60, "narrative": "  "}, content_type="application/json")
    assert blank.status_code == 400 and set(blank.json()["errors"]) == {"narrative"}
    not_a_form = client.post(url, [1, 2], content_type="application/json")
    assert (not_a_form.status_code, not_a_form.json()["code"]) == (400, "parse_error")
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    bad_file = client.post(url, {"percent": 20, "narrative": "x", "evidence": [fake]})
    assert bad_file.status_code == 400 and bad_file.json()["detail"]
    assert not ProgressReport.objects.filter(directive=directive).exists()


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_key_unknown_key_expired_and_revoked_are_401_with_codes(working_group):
    assert Client().get(LIST).status_code == 401
    assert Client().get(LIST).json()["code"] == "not_authenticated"
    assert Client().get(LIST)["WWW-Authenticate"].startswith("Bearer")
    assert api_client("egov_nonsense").get(LIST).json()["code"] == "token_invalid"
    expired, expired_secret = agency_key(education())
    AgencyApiToken.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = api_client(expired_secret).get(LIST)
    assert (response.status_code, response.json()["code"]) == (401, "token_expired")
    revoked, revoked_secret = agency_key(education())
    agency_api_token_revoke(token=revoked, user=user("itmanager"))
    response = api_client(revoked_secret).get(LIST)
    assert (response.status_code, response.json()["code"]) == (401, "token_revoked")


@pytest.mark.django_db
def test_address_not_in_the_list_is_403(working_group):
    _token, secret = agency_key(education(), addresses="10.20.0.0/16")
    assert api_client(secret, address="10.20.3.4").get(LIST).status_code == 200
    response = api_client(secret, address="192.0.2.7").get(LIST)
    assert response.status_code == 403
    assert response.json()["code"] == "address_not_allowed"


@pytest.mark.django_db
def test_rate_limit_per_key(working_group, settings):
    settings.API_RATE_LIMIT = "3/min"
    _one, first = agency_key(education())
    _two, second = agency_key(education(), name="دومی")
    client = api_client(first)
    assert [client.get(LIST).status_code for _ in range(3)] == [200, 200, 200]
    throttled = client.get(LIST)
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0
    assert api_client(second).get(LIST).status_code == 200  # another key has its own count


@pytest.mark.django_db
def test_every_use_is_in_the_audit_trail(working_group):
    token, secret = agency_key(education(), addresses="10.0.0.0/8")
    api_client(secret, address="10.1.2.3").get(LIST)
    api_client(secret, address="192.0.2.1").get(LIST)
    uses = AuditEvent.objects.filter(
        model="members.AgencyApiToken", object_id=str(token.pk), action="api_call"
    ).order_by("pk")
    assert [(u.after["status"], u.address, u.source) for u in uses] == [
        (200, "10.1.2.3", "api"),
        (403, "192.0.2.1", "api"),
    ]
    assert uses[1].after["refused"] == "address_not_allowed"
    token.refresh_from_db()
    assert token.last_used_from == "10.1.2.3"


@pytest.mark.django_db
def test_a_browser_session_does_not_open_the_api(working_group):
    client = Client()
    client.force_login(user("itmanager"))
    assert client.get(LIST).status_code == 401


# --- meetings --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_meetings_are_those_the_agencys_seats_are_invited_to(working_group):
    from django.db.models import Q

    from committees.models import Body, BodyKind, Invitation
    from members.models import Agency
    from tests.meeting_helpers import scheduled_meeting

    meeting = scheduled_meeting(working_group)
    # education's nominated member sits in the working group; the steering committee's
    # meetings invite nobody of it
    assert Invitation.objects.filter(meeting=meeting, person__agency=education()).exists()
    _token, secret = agency_key(education())
    rows = {row["id"]: row for row in api_client(secret).get("/api/v1/meetings/").json()["results"]}
    assert meeting.pk in rows
    assert [i["person"] for i in rows[meeting.pk]["invitations"]] == [
        i.person.full_name
        for i in Invitation.objects.filter(meeting=meeting, person__agency=education())
    ]
    assert rows[meeting.pk]["invitations"][0]["rsvp"] == "pending"
    other = Agency.objects.get(name="شهرداری رشت")
    steering = scheduled_meeting(
        Body.objects.get(kind=BodyKind.STEERING_COMMITTEE, jurisdiction="گیلان")
    )
    _other_token, other_secret = agency_key(other)
    others = {
        row["id"] for row in api_client(other_secret).get("/api/v1/meetings/").json()["results"]
    }
    assert meeting.pk in others  # the mayor's post has a seat
    invites_other = Invitation.objects.filter(meeting=steering).filter(
        Q(seat__agency=other) | Q(seat__position__agency=other) | Q(person__agency=other)
    )
    assert (steering.pk in others) == invites_other.exists()


@pytest.mark.django_db
def test_it_manager_makes_a_key_shown_once_and_revokes_it():
    client = Client()
    client.force_login(user("itmanager"))
    url = f"/agencies/{education().pk}/api-tokens/"
    made = client.post(
        url, {"name": "اتوماسیون اداری", "expires_on": "۱۴۹۰/۰۱/۰۱", "allowed_addresses": ""}
    )
    assert made.status_code == 400  # beyond two years
    assert not AgencyApiToken.objects.exists()
    tomorrow = timezone.localdate() + datetime.timedelta(days=30)
    day = to_jalali(tomorrow)
    made = client.post(
        url,
        {"name": "اتوماسیون اداری", "expires_on": f"{day.year}/{day.month}/{day.day}"},
    )
    assert made.status_code == 200
    token = AgencyApiToken.objects.get()
    secret = made.content.decode().split('data-testid="api-token-secret">')[1].split("<")[0]
    assert api_client(secret).get(LIST).status_code == 200
    assert secret not in client.get(url).content.decode()  # shown once
    created = AuditEvent.objects.get(model="members.AgencyApiToken", action="create")
    assert created.actor == user("itmanager")
    client.post(f"{url}{token.pk}/revoke/")
    assert api_client(secret).get(LIST).json()["code"] == "token_revoked"
    other = Client()
    other.force_login(user("itmanager2"))
    assert other.get(url).status_code == 403
    assert other.post(f"{url}{token.pk}/revoke/").status_code == 403


@pytest.mark.django_db
def test_administrator_makes_a_key_in_the_admin_and_sees_it_once():
    client = Client()
    client.force_login(user("admin"))
    expires = timezone.localtime() + datetime.timedelta(days=10)
    response = client.post(
        "/admin/members/agencyapitoken/add/",
        {
            "agency": education().pk,
            "name": "سامانه نامه‌نگاری",
            "expires_at_0": expires.strftime("%Y-%m-%d"),
            "expires_at_1": "12:00:00",
            "allowed_addresses": "",
        },
    )
    assert response.status_code == 200, response.content[:500]
    secret = response.content.decode().split('data-testid="api-token-secret">')[1].split("<")[0]
    token = AgencyApiToken.objects.get()
    assert token.created_by == user("admin") and secret.startswith(token.prefix)
    assert api_client(secret).get(LIST).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 6])
def test_list_query_budget_does_not_grow_with_rows(working_group, extra, django_assert_num_queries):
    for _ in range(extra):
        education_directive(working_group)
    _token, secret = agency_key(education())
    client = api_client(secret)
    # the key, its last use, the page's count and rows, the audit record
    with django_assert_num_queries(5):
        assert client.get(LIST).status_code == 200
    # + the invitations of the page's meetings; the key's last use was written by the first
    # call (at most once a minute)
    with django_assert_num_queries(5):
        assert client.get("/api/v1/meetings/").status_code == 200
