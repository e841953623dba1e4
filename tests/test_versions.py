"""Two tabs never overwrite each other silently (``egov_portal.versioning``).

For meetings, agenda items, minutes and resolutions: the same edit form is opened twice,
the first tab saves a change, the second tab's save is refused with a Persian message
naming what is now stored, nothing of the first save is lost and what the second user
typed stays in the form; saving again (from the refused form, or after a reload) works.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from committees.models import AgendaItem, Meeting, MeetingState
from committees.services.meetings import agenda_item_update, meeting_update
from egov_portal.models import AuditEvent
from resolutions.models import Resolution
from resolutions.services.resolutions import resolution_update
from tests.test_edit_roundtrip import (
    _case_agenda_item_edit,
    _case_meeting_edit,
    _case_minutes_edit,
    _case_resolution_edit,
    rendered_form,
)

STALE = "در این فاصله کس دیگری همین را ذخیره کرده است"


def _meeting(body):
    kwargs, state = _case_meeting_edit(body)
    return {
        "url": reverse("committees:meeting_edit", kwargs=kwargs),
        "state": state,
        "first": ("place", "سالن شورای اداری"),
        "second": ("online_link", "https://meet.example.ir/other"),
        "shown": "مکان: «سالن شورای اداری»",
        "stored": lambda: Meeting.objects.get(**kwargs).place,
    }


def _agenda_item(body):
    kwargs, state = _case_agenda_item_edit(body)
    return {
        "url": reverse("committees:agenda_item_edit", kwargs=kwargs),
        "pk": kwargs["pk"],
        "state": state,
        "first": ("title", "بررسی درگاه خدمات"),
        "second": ("presenter", "مدیر فناوری اطلاعات"),
        "shown": "عنوان: «بررسی درگاه خدمات»",
        "stored": lambda: AgendaItem.objects.get(**kwargs).title,
    }


def _minutes(body):
    kwargs, state = _case_minutes_edit(body)
    item = Meeting.objects.get(**kwargs).agenda_items.get()
    return {
        "url": reverse("committees:minutes_edit", kwargs=kwargs),
        "state": state,
        "first": (f"discussion_{item.pk}", "گزارش خوانده و تصویب شد."),
        "second": ("preamble", "جلسه به ریاست معاون استاندار برگزار شد."),
        "shown": f"مذاکرات درباره «{item.title}»: «گزارش خوانده و تصویب شد.»",
        "stored": lambda: AgendaItem.objects.get(pk=item.pk).discussion,
    }


def _resolution(body):
    kwargs, state = _case_resolution_edit(body)
    return {
        "url": reverse("resolutions:resolution_edit", kwargs=kwargs),
        "state": state,
        "first": ("text", "سامانه نوبت‌دهی تا پایان سال راه‌اندازی شود."),
        "second": ("priority", "normal"),
        "shown": "متن مصوبه: «سامانه نوبت‌دهی تا پایان سال راه‌اندازی شود.»",
        "stored": lambda: Resolution.objects.get(**kwargs).text,
    }


CASES = {"meeting": _meeting, "agenda_item": _agenda_item, "minutes": _minutes}
CASES["resolution"] = _resolution


def _with(data: dict, field: str, value: str) -> dict:
    return {**data, field: [value]}


@pytest.mark.parametrize("name", CASES)
def test_version_second_tab_is_refused_and_nothing_is_overwritten(
    name, persona_client, working_group
):
    case = CASES[name](working_group)
    url, client = case["url"], persona_client("secretary")
    tab_one = rendered_form(client.get(url).content.decode(), url)
    tab_two = rendered_form(client.get(url).content.decode(), url)
    assert tab_one["version"] == tab_two["version"]

    field, value = case["first"]
    assert client.post(url, _with(tab_one, field, value)).status_code == 302
    saved = case["state"]()
    assert case["stored"]() == value

    field, typed = case["second"]
    refused = client.post(url, _with(tab_two, field, typed))
    assert refused.status_code == 200
    page = refused.content.decode()
    assert STALE in page
    assert case["shown"] in page
    assert [e.code for e in refused.context["form"].non_field_errors().as_data()] == (
        ["stale"] * len(refused.context["form"].non_field_errors())
    )
    assert case["state"]() == saved  # the second tab changed nothing
    again = rendered_form(page, url)
    assert again[field] == [typed]  # what the second user typed is still in the form
    assert again[case["first"][0]] == tab_two[case["first"][0]]

    # After a reload the second user starts from what is stored and saves.
    reloaded = rendered_form(client.get(url).content.decode(), url)
    assert reloaded[case["first"][0]] == [value]
    assert int(reloaded["version"][0]) == int(tab_one["version"][0]) + 1
    assert client.post(url, _with(reloaded, field, typed)).status_code == 302
    assert case["stored"]() == value
    assert case["state"]() != saved


@pytest.mark.parametrize("name", CASES)
def test_version_refused_form_saves_when_sent_again(name, persona_client, working_group):
    """Having read the message, the second user may keep his values: the refused form
    carries the stored version, so sending it again saves what he typed."""
    case = CASES[name](working_group)
    url, client = case["url"], persona_client("secretary")
    tab_one = rendered_form(client.get(url).content.decode(), url)
    tab_two = rendered_form(client.get(url).content.decode(), url)
    field, value = case["first"]
    client.post(url, _with(tab_one, field, value))

    refused = client.post(url, _with(tab_two, field, "نوشته دوم"))
    assert refused.status_code == 200
    assert STALE in refused.content.decode()
    resent = rendered_form(refused.content.decode(), url)
    assert resent[field] == ["نوشته دوم"]
    assert client.post(url, resent).status_code == 302
    assert case["stored"]() == "نوشته دوم"


def test_version_message_shows_stored_values_in_persian(persona_client, working_group):
    """A refused meeting form names each differing field with its stored value, a yes/no
    as «خیر»."""
    case = _meeting(working_group)
    url, client = case["url"], persona_client("secretary")
    tab_one = rendered_form(client.get(url).content.decode(), url)
    tab_two = rendered_form(client.get(url).content.decode(), url)
    assert tab_one.pop("is_public") == ["on"]
    assert client.post(url, tab_one).status_code == 302
    page = client.post(url, _with(tab_two, "place", "سالن ۳")).content.decode()
    assert "عمومی: «خیر»" in page
    assert "مکان: «تالار شهید رجایی»" in page
    assert "پیوند جلسه برخط:" not in page  # unchanged fields are not listed


def test_version_service_without_a_version_still_counts(working_group):
    """Callers without a form (imports, the demo data) are not checked but move the
    version on, so a form rendered before them is refused."""
    kwargs, _state = _case_agenda_item_edit(working_group)
    item = AgendaItem.objects.get(**kwargs)
    before = item.version
    agenda_item_update(item=item, title="دستور تازه")
    assert AgendaItem.objects.get(pk=item.pk).version == before + 1
    with pytest.raises(ValidationError) as refused:
        agenda_item_update(item=item, version=before, title="دستور کهنه")
    assert refused.value.error_list[0].code == "stale"
    assert AgendaItem.objects.get(pk=item.pk).title == "دستور تازه"


def test_version_frozen_rows_are_refused_before_any_version_change(working_group):
    """Approved minutes are frozen (by triggers on PostgreSQL): the service refuses the
    edit by its rules, never reaching the version (which would be a database error)."""
    kwargs, _state = _case_resolution_edit(working_group)
    resolution = Resolution.objects.get(**kwargs)
    meeting = resolution.meeting
    Meeting.objects.filter(pk=meeting.pk).update(state=MeetingState.APPROVED)
    resolution.meeting.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        resolution_update(
            resolution=resolution, text="تغییر", kind="decision", version=resolution.version
        )
    assert refused.value.error_list[0].code == "frozen"
    assert Resolution.objects.get(pk=resolution.pk).version == resolution.version
    meeting.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        meeting_update(
            meeting=meeting,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            place="جای دیگر",
            online_link="",
            is_public=False,
            version=meeting.version,
        )
    assert refused.value.error_list[0].code == "frozen"
    assert Meeting.objects.get(pk=meeting.pk).version == meeting.version


def test_version_is_bookkeeping_not_an_audited_change(persona_client, working_group):
    """An edit is one audit event with what changed; the version is left out (as
    ``updated_at`` is), on SQLite by ``egov_portal.audit`` and on PostgreSQL by the trigger."""
    case = _agenda_item(working_group)
    url, client = case["url"], persona_client("secretary")
    item = AgendaItem.objects.get(pk=case["pk"])
    seen = set(AuditEvent.objects.values_list("pk", flat=True))
    data = rendered_form(client.get(url).content.decode(), url)
    assert client.post(url, _with(data, "title", "دستور با نام تازه")).status_code == 302
    events = AuditEvent.objects.exclude(pk__in=seen).filter(
        model="committees.AgendaItem", object_id=str(item.pk)
    )
    assert [(e.before, e.after) for e in events] == [
        ({"title": item.title}, {"title": "دستور با نام تازه"})
    ]
    assert client.post(url, rendered_form(client.get(url).content.decode(), url)).status_code == 302
    assert events.count() == 1  # an unchanged form changes nothing worth recording
