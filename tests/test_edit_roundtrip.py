"""Every page that edits an existing object saves when its form is submitted unchanged.

For each such URL the test GETs the form as the persona who edits it, reads the rendered
form's values (inputs, checked boxes and radios, selected options, textareas), POSTs them
back and expects a redirect with nothing of the object changed. A form that shows a stored
value in a shape its own field does not accept (a Gregorian ``2026-12-08`` in a Jalali date
field, a «2:30 PM» time) fails here.
"""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

import jdatetime
import pytest
from django.forms.models import model_to_dict
from django.urls import get_resolver, reverse
from django.utils import timezone

from committees.models import Meeting
from committees.services.meetings import agenda_item_update, meeting_create, meeting_update
from egov_portal.models import NoticeKind, NotificationPreference
from egov_portal.text.persian import to_persian_digits
from members.models import Agency
from resolutions.models import Resolution
from resolutions.services.resolutions import resolution_create
from tests.meeting_helpers import held_meeting, scheduled_meeting, user

# --- reading a rendered form --------------------------------------------------------------


class _FormReader(HTMLParser):
    """The successful controls of every ``<form>`` of a page, as a browser would submit
    them: ``[{"action": …, "method": …, "fields": [(name, value), …]}]``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None  # (name, multiple, [(value, selected)])
        self._option = None  # [value or None, text, selected]
        self._textarea = None  # [name, text]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "fields": [],
            }
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "reset", "image", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self._form["fields"].append((name, a.get("value", "on")))
                return
            self._form["fields"].append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select = (name, "multiple" in a, [])
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "", "selected" in a]
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            value, text, selected = self._option
            self._select[2].append((text.strip() if value is None else value, selected))
            self._option = None
        elif tag == "select" and self._select is not None:
            name, multiple, options = self._select
            chosen = [v for v, selected in options if selected]
            if not chosen and not multiple and options:
                chosen = [options[0][0]]
            self._form["fields"].extend((name, v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # A newline right after <textarea> is not part of the value.
            self._form["fields"].append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "form":
            self._form = None


def rendered_form(html: str, url: str) -> dict[str, list[str]]:
    """The values of the page's POST form that submits to ``url`` (itself)."""
    reader = _FormReader()
    reader.feed(html)
    own = [f for f in reader.forms if f["method"] == "post" and f["action"] in {"", url}]
    assert len(own) == 1, f"{url}: expected one form posting to itself, found {len(own)}"
    data: dict[str, list[str]] = {}
    for name, value in own[0]["fields"]:
        data.setdefault(name, []).append(value)
    return data


def test_reader_reads_every_kind_of_control():
    html = """
    <form method="post" action="/elsewhere/"><input name="other" value="x"></form>
    <form method="post">
      <input type="hidden" name="csrfmiddlewaretoken" value="t">
      <input name="day" value="۱۴۰۵/۰۹/۱۷"><input name="blank">
      <input type="checkbox" name="on" checked><input type="checkbox" name="off">
      <input type="radio" name="r" value="a"><input type="radio" name="r" value="b" checked>
      <select name="single"><option value="1">one</option><option value="2" selected>two</option></select>
      <select name="first"><option value="">—</option><option value="9">nine</option></select>
      <select name="many" multiple><option value="3" selected>3</option><option value="4">4</option>
        <option value="5" selected>5</option></select>
      <textarea name="text">
سطر ۱
سطر ۲</textarea>
      <input type="submit" name="go" value="ذخیره"><input name="dis" value="d" disabled>
    </form>"""
    assert rendered_form(html, "/here/") == {
        "csrfmiddlewaretoken": ["t"],
        "day": ["۱۴۰۵/۰۹/۱۷"],
        "blank": [""],
        "on": ["on"],
        "r": ["b"],
        "single": ["2"],
        "first": [""],
        "many": ["3", "5"],
        "text": ["سطر ۱\nسطر ۲"],
    }


# --- the objects and what "unchanged" means --------------------------------------------------


def _row(obj) -> dict:
    obj.refresh_from_db()
    return {k: v for k, v in model_to_dict(obj).items() if k not in {"updated_at", "created_at"}}


def _meeting_state(meeting: Meeting) -> dict:
    meeting.refresh_from_db()
    return {
        "meeting": {
            k: v for k, v in model_to_dict(meeting).items() if k not in {"updated_at", "created_at"}
        },
        "invitations": sorted(
            meeting.invitations.values_list(
                "pk", "attendance", "substitute_name", "substitute_post", "rsvp"
            )
        ),
        "guests": sorted(meeting.guests.values_list("name", "agency")),
        "agenda": sorted(
            meeting.agenda_items.values_list("pk", "order", "title", "description", "discussion")
        ),
        "minutes": (meeting.minutes.preamble,),
    }


def _awkward_meeting(body) -> Meeting:
    """A scheduled meeting with everything the form shows filled in: an end time, a link,
    public minutes, and a time with minutes («۰۹:۰۵»)."""
    meeting = scheduled_meeting(body, days=20)
    start = timezone.localtime(meeting.starts_at).replace(hour=9, minute=5, second=0, microsecond=0)
    meeting_update(
        meeting=meeting,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2, minutes=10),
        place="تالار شهید رجایی",
        online_link="https://meet.example.ir/gilan",
        is_public=True,
    )
    return meeting


def _case_meeting_edit(body):
    meeting = _awkward_meeting(body)
    return {"pk": meeting.pk}, lambda: _meeting_state(meeting)


def _case_meeting_edit_draft(body):
    start = timezone.localtime(timezone.now() + datetime.timedelta(days=9)).replace(
        hour=16, minute=45, second=0, microsecond=0
    )
    meeting = meeting_create(body=body, starts_at=start, place="سالن ۲")
    return {"pk": meeting.pk}, lambda: _meeting_state(meeting)


def _case_agenda_item_edit(body):
    meeting = scheduled_meeting(body)
    item = meeting.agenda_items.first()
    agenda_item_update(item=item, description="شرح در دو سطر\nسطر دوم", presenter="دبیر کارگروه")
    return {"pk": item.pk}, lambda: _row(item)


def _case_meeting_attendance(body):
    meeting = held_meeting(body, absent=1)
    meeting.guests.create(name="مهمان نخست", agency="دانشگاه گیلان")
    meeting.guests.create(name="مهمان دوم")
    return {"pk": meeting.pk}, lambda: _meeting_state(meeting)


def _case_minutes_edit(body):
    meeting = held_meeting(body)
    meeting.minutes.preamble = "جلسه با حضور اکثریت اعضا برگزار شد."
    meeting.minutes.save()
    item = meeting.agenda_items.first()
    item.discussion = "گزارش ارائه شد.\nبحث شد."
    item.save()
    return {"pk": meeting.pk}, lambda: _meeting_state(meeting)


def _case_resolution_edit(body):
    meeting = held_meeting(body)
    agencies = list(Agency.objects.filter(is_active=True).order_by("pk")[:3])
    resolution = resolution_create(
        meeting=meeting,
        text="سامانه نوبت‌دهی راه‌اندازی شود.",
        kind="assignment",
        responsible=agencies[:1],
        collaborating=agencies[1:],
        deadline=timezone.localdate() + datetime.timedelta(days=45),
        agenda_item=meeting.agenda_items.first(),
        is_public=True,
        priority="urgent",
    )

    def state():
        resolution.refresh_from_db()
        return {
            "row": {
                k: v
                for k, v in model_to_dict(resolution).items()
                if k not in {"updated_at", "created_at", "agencies"}
            },
            "addressees": sorted(resolution.addressees.values_list("agency_id", "role")),
        }

    return {"pk": resolution.pk}, state


def _case_notification_preferences(body):
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user("secretary"),
        defaults={"daily_digest": True, "muted_kinds": [NoticeKind.MEETING]},
    )
    return {}, lambda: _row(preference)


#: url name → (persona, the case's maker). Every URL that edits an existing object.
CASES = {
    "committees:meeting_edit": ("secretary", _case_meeting_edit),
    "committees:agenda_item_edit": ("secretary", _case_agenda_item_edit),
    "committees:meeting_attendance": ("secretary", _case_meeting_attendance),
    "committees:minutes_edit": ("secretary", _case_minutes_edit),
    "resolutions:resolution_edit": ("secretary", _case_resolution_edit),
    "notifications:preferences": ("secretary", _case_notification_preferences),
}
#: More states of the same pages (a draft's form differs from a scheduled one's).
EXTRA = {"committees:meeting_edit (draft)": ("secretary", _case_meeting_edit_draft)}


def _url_names(resolver=None, namespace="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if hasattr(pattern, "url_patterns"):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, inner)
        elif pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_edit_url_has_a_round_trip_case():
    edits = {n for n in _url_names() if n.endswith("_edit") and not n.startswith("admin:")}
    missing = edits - set(CASES)
    assert not missing, f"edit pages without a round-trip case: {sorted(missing)}"
    assert set(CASES) <= _url_names()


@pytest.mark.parametrize("name", [*CASES, *EXTRA])
def test_edit_form_saves_unchanged(name, persona_client, working_group):
    persona, make = {**CASES, **EXTRA}[name]
    kwargs, state = make(working_group)
    url = reverse(name.split(" ")[0], kwargs=kwargs)
    client = persona_client(persona)
    before = state()

    page = client.get(url)
    assert page.status_code == 200
    data = rendered_form(page.content.decode(), url)
    response = client.post(url, data)

    form = response.context.get("form") if response.context else None
    assert response.status_code == 302, f"{name} refused its own values {data}: {form.errors}"
    assert state() == before


def test_meeting_edit_shows_the_stored_date_in_jalali_with_persian_digits(
    persona_client, working_group
):
    meeting = _awkward_meeting(working_group)
    url = reverse("committees:meeting_edit", args=[meeting.pk])
    data = rendered_form(persona_client("secretary").get(url).content.decode(), url)
    expected = jdatetime.date.fromgregorian(date=timezone.localdate(meeting.starts_at))
    assert data["day"] == [to_persian_digits(expected.strftime("%Y/%m/%d"))]
    assert data["start_time"] == ["۰۹:۰۵"]
    assert data["end_time"] == ["۱۱:۱۵"]


def test_resolution_edit_shows_the_deadline_in_jalali(persona_client, working_group):
    kwargs, _state = _case_resolution_edit(working_group)
    resolution = Resolution.objects.get(pk=kwargs["pk"])
    url = reverse("resolutions:resolution_edit", kwargs=kwargs)
    data = rendered_form(persona_client("secretary").get(url).content.decode(), url)
    assert data["deadline"][0].startswith("۱۴")
    assert "-" not in data["deadline"][0]
    assert resolution.deadline is not None


@pytest.mark.parametrize("typed", ["۱۴:۳۰", "14:30", "١٤:٣٠", "۱۴:۳۰\u200e"])
def test_time_fields_accept_persian_digits_and_24_hours(typed):
    from committees.forms import MeetingForm

    form = MeetingForm(
        {"day": "۱۴۰۵/۰۹/۱۷", "start_time": "۰۹:۰۰", "end_time": typed, "place": "تالار"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["end_time"] == datetime.time(14, 30)


@pytest.mark.parametrize("typed", ["25:00", "9:60", "2:30 PM", "ساعت ده"])
def test_time_fields_refuse_what_is_not_a_24_hour_time(typed):
    from committees.forms import MeetingForm

    form = MeetingForm({"day": "۱۴۰۵/۰۹/۱۷", "start_time": typed, "place": "تالار"})
    assert not form.is_valid()
    assert "۲۴ ساعته" in str(form.errors["start_time"])
