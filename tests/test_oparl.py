"""The OParl 1.1 endpoint (resolutions/oparl/): a walk from the System through every link,
every object validated against the vendored OParl schemas, nothing the public pages do not
show, lists with pages and filters, deleted objects, conditional GET, CORS, and query
budgets."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from committees.models import (
    AttendanceStatus,
    Body,
    BodyKind,
    Meeting,
    Membership,
    Seat,
    SeatKind,
)
from committees.services.meetings import (
    agenda_item_add,
    attendance_record,
    meeting_create,
    meeting_schedule,
    minutes_send_for_review,
)
from members.models import Person
from resolutions.models import Directive
from resolutions.oparl import files as oparl_files
from resolutions.selectors import register as register_selectors
from resolutions.services.directives import (
    directive_acknowledge,
    directive_verify,
    progress_report_add,
)
from resolutions.services.minutes import minutes_approve
from resolutions.services.resolutions import resolution_create
from tests.conftest import client_for
from tests.directive_helpers import education, water
from tests.meeting_helpers import user

pytestmark = pytest.mark.django_db

BASE = settings.PORTAL_BASE_URL
ENTRY = reverse("resolutions:oparl_system")
SCHEMA_DIR = Path(__file__).resolve().parent / "oparl_schema"
SCHEMA_BASE = "https://schema.oparl.org/1.1/"

# --- the vendored schemas --------------------------------------------------------------------


def _with_refs(node):
    """The schemas mark an embedded object with their own ``"schema": "File.json"``; make it
    a ``$ref`` so that the embedded object is validated too."""
    if isinstance(node, dict):
        target = node.get("schema")
        if node.get("type") == "object" and isinstance(target, str) and target.endswith(".json"):
            return {"$ref": target}
        return {key: _with_refs(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_with_refs(value) for value in node]
    return node


FORMATS = FormatChecker(formats=())
# The spec's own forms (§2.4): yyyy-mm-dd and yyyy-mm-ddThh:mm:ss±hh:mm.
FORMATS.checks("date")(
    lambda v: not isinstance(v, str) or bool(re.fullmatch(r"\d{4}-\d\d-\d\d", v))
)
FORMATS.checks("date-time")(
    lambda v: (
        not isinstance(v, str)
        or bool(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", v))
    )
)
FORMATS.checks("url")(lambda v: not isinstance(v, str) or bool(re.match(r"https?://\S+$", v)))


def _validators() -> dict[str, Draft202012Validator]:
    schemas = {}
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        schema = _with_refs(json.loads(path.read_text(encoding="utf-8")))
        schema["$id"] = SCHEMA_BASE + path.name
        schemas[path.stem] = schema
    # Every $ref resolves among these files: the registry retrieves nothing from anywhere.
    registry = Registry().with_resources(
        (schema["$id"], DRAFT202012.create_resource(schema)) for schema in schemas.values()
    )
    return {
        name: Draft202012Validator(schema, registry=registry, format_checker=FORMATS)
        for name, schema in schemas.items()
    }


VALIDATORS = _validators()


def test_the_vendored_schemas_carry_their_licence_and_source():
    assert len(VALIDATORS) == 12
    assert "Attribution-ShareAlike 4.0" in (SCHEMA_DIR / "LICENSE").read_text()
    assert "github.com/OParl/spec" in (SCHEMA_DIR / "README.md").read_text()


def test_the_schemas_catch_a_broken_object():
    """The validation is real: an embedded file without its accessUrl, a date in another
    form and a missing list are refused."""
    meeting = {
        "id": f"{BASE}/oparl/v1.1/meeting/1/",
        "type": f"{SCHEMA_BASE}Meeting",
        "start": "2025-03-21 08:00",
        "resultsProtocol": {"id": f"{BASE}/x/", "type": f"{SCHEMA_BASE}File"},
    }
    errors = {e.validator for e in VALIDATORS["Meeting"].iter_errors(meeting)}
    assert errors == {"format", "required"}
    body = {"id": f"{BASE}/b/", "type": f"{SCHEMA_BASE}Body", "name": "استان"}
    assert not VALIDATORS["Body"].is_valid(body)


# --- building records -----------------------------------------------------------------------


def approved_meeting(
    body: Body,
    *,
    public: bool,
    place: str = "تالار استانداری",
    agenda: tuple[str, ...] = ("گزارش پیشرفت خدمات الکترونیک",),
    resolutions: tuple[dict, ...] = (),
) -> Meeting:
    """A meeting of ``body``, held with everyone present, its minutes approved by the
    governor, marked public or not; ``resolutions`` are added on its first agenda item."""
    meeting = meeting_create(
        body=body,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place=place,
        is_public=public,
    )
    for title in agenda:
        agenda_item_add(meeting=meeting, title=title)
    meeting_schedule(meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    meeting.refresh_from_db()
    statuses = {i.pk: {"attendance": AttendanceStatus.PRESENT} for i in meeting.invitations.all()}
    attendance_record(meeting=meeting, statuses=statuses, guests=[])
    minutes_send_for_review(meeting=meeting, deadline=timezone.now() + datetime.timedelta(days=2))
    item = meeting.agenda_items.order_by("order").first()
    for spec in resolutions:
        resolution_create(
            meeting=meeting, agenda_item=item, **{"kind": "assignment", "text": "تکلیف", **spec}
        )
    return minutes_approve(meeting=meeting, user=user("chair"))


def body_of(kind: str, name_part: str = "") -> Body:
    bodies = Body.objects.filter(kind=kind, jurisdiction="گیلان", name__contains=name_part)
    return bodies.order_by("pk").first()


def province_pk() -> int:
    return body_of(BodyKind.WORKING_GROUP).pk


@pytest.fixture(autouse=True)
def quick_pdfs(monkeypatch):
    """WeasyPrint takes a second or more per PDF; tests that do not look at the bytes get
    a stand-in that, like the real one, depends on the document's HTML only."""

    def render(template, context, *, request=None):
        html = oparl_files._html(context)
        return b"%PDF-1.7\n" + hashlib.sha256(html.encode()).hexdigest().encode() + b"\n%%EOF\n"

    monkeypatch.setattr(oparl_files, "render_pdf", render)
    cache.clear()  # no checksum of another test's stand-in, before or after
    yield
    cache.clear()


# --- the walk ------------------------------------------------------------------------------


def _urls(node):
    """Every URL of the endpoint in ``node``, at any depth."""
    if isinstance(node, dict):
        for value in node.values():
            yield from _urls(value)
    elif isinstance(node, list):
        for value in node:
            yield from _urls(value)
    elif isinstance(node, str) and node.startswith(f"{BASE}/oparl/"):
        yield node


def _objects(node):
    """Every OParl object in ``node``, at any depth (lists' items and embedded objects)."""
    if isinstance(node, dict):
        if str(node.get("type", "")).startswith(SCHEMA_BASE):
            yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


def _get(client: Client, url: str, **headers):
    assert url.startswith(BASE), url
    parts = urlsplit(url)
    return client.get(parts.path + (f"?{parts.query}" if parts.query else ""), **headers)


def walk(client: Client | None = None) -> dict[str, object]:
    """Every answer of the endpoint reachable from the System, by URL: parsed JSON, or the
    response itself for a file. Every link must answer, and every object must validate."""
    client = client or Client()
    answers: dict[str, object] = {}
    queue = [BASE + ENTRY]
    while queue:
        url = queue.pop(0)
        if url in answers:
            continue
        response = _get(client, url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        assert response["Access-Control-Allow-Origin"] == "*"
        if response["Content-Type"] == "application/pdf":
            answers[url] = response
            continue
        assert response["Content-Type"] == "application/json; charset=utf-8", url
        data = json.loads(response.content.decode("utf-8"))
        answers[url] = data
        if "data" in data:
            assert set(data) == {"data", "pagination", "links"}, url
            assert data["links"]["self"] == url
        else:
            assert data["id"] == url, "an object's id is the URL it is served at"
        for obj in _objects(data):
            kind = obj["type"].removeprefix(SCHEMA_BASE)
            errors = [e.message for e in VALIDATORS[kind].iter_errors(obj)]
            assert not errors, (url, kind, obj["id"], errors)
            assert obj["id"].startswith(f"{BASE}/oparl/v1.1/")
        queue.extend(u for u in _urls(data) if u not in answers)
    return answers


def _text(answers: dict[str, object]) -> str:
    return "\n".join(
        json.dumps(a, ensure_ascii=False) for a in answers.values() if isinstance(a, dict)
    )


def _types(answers: dict[str, object]) -> set[str]:
    return {
        obj["type"].removeprefix(SCHEMA_BASE)
        for answer in answers.values()
        if isinstance(answer, dict)
        for obj in _objects(answer)
    }


def test_walk_from_the_system_validates_every_object(working_group):
    """From ``/oparl/v1.1/`` through every link on the demo data, with a public meeting of
    the working group added (the demo's own approved meeting is not public): every object
    validates against its OParl schema and is served at its id."""
    approved_meeting(
        working_group,
        public=True,
        agenda=("پنجره واحد خدمات", "امنیت شبکه"),
        resolutions=({"text": "مصوبه عمومی آزمون", "is_public": True, "responsible": [water()]},),
    )
    answers = walk()
    assert _types(answers) == {
        "System",
        "Body",
        "Organization",
        "Person",
        "Membership",
        "Meeting",
        "AgendaItem",
        "Location",
        "File",
        "Paper",
        "Consultation",
    }
    bodies = [a for u, a in answers.items() if u.endswith("/oparl/v1.1/body/")]
    assert [b["name"] for b in bodies[0]["data"]] == ["استان گیلان"]
    organizations = answers[f"{BASE}/oparl/v1.1/body/{working_group.pk}/organization/"]["data"]
    kinds = [o["organizationType"] for o in organizations]
    assert kinds.count("کارگروه استانی") == 1
    assert kinds.count("کمیته راهبری") == 1
    assert kinds.count("زیرکمیته فنی") == 4
    steering = next(o for o in organizations if o["organizationType"] == "کمیته راهبری")
    assert steering["subOrganizationOf"] == f"{BASE}/oparl/v1.1/organization/{working_group.pk}/"
    assert "ماده ۶" in " ".join(steering["keyword"])
    steering_pk = int(steering["id"].split("/")[-2])
    assert steering["web"] == BASE + reverse("committees:body_detail", args=[steering_pk])


def test_the_province_holders_are_the_body_pages_holders(working_group):
    """Every holder the working group's seats have had, as its page lists them: the old and
    the new governor by the post, the IT managers by their named membership."""
    answers = walk()
    persons = answers[f"{BASE}/oparl/v1.1/body/{working_group.pk}/person/"]["data"]
    names = {p["name"] for p in persons}
    assert {"دکتر علی رضایی", "دکتر محمدرضا کریمی", "مهندس زهرا کاظمی"} <= names
    new_governor = next(p for p in persons if p["name"] == "دکتر محمدرضا کریمی")
    assert new_governor["status"] == ["استاندار"]
    [governorship] = [m for m in new_governor["membership"] if m["role"] == "استاندار"]
    assert governorship["organization"].endswith(f"/organization/{working_group.pk}/")
    old_governor = next(p for p in persons if p["name"] == "دکتر علی رضایی")
    [past] = old_governor["membership"]
    # The portal stores the first day he no longer held the post (1403/06/20); OParl the last.
    assert (past["startDate"], past["endDate"]) == ("2021-09-23", "2024-09-09")
    assert "status" not in old_governor


def test_nothing_the_public_pages_do_not_show_appears_at_any_depth(working_group):
    """A meeting whose minutes are not public, a resolution not marked public and every
    person's national code, mobile and e-mail address appear nowhere in the walk."""
    hidden = approved_meeting(
        working_group,
        public=False,
        place="تالار محرمانه آزمون",
        agenda=("دستور محرمانه آزمون",),
        resolutions=({"text": "مصوبه محرمانه جلسه غیرعمومی", "is_public": True},),
    )
    shown = approved_meeting(
        working_group,
        public=True,
        agenda=("دستور عمومی آزمون",),
        resolutions=(
            {"text": "مصوبه عمومی در جلسه عمومی", "is_public": True},
            {"text": "مصوبه غیرعمومی در جلسه عمومی", "is_public": False},
        ),
    )
    answers = walk()
    text = _text(answers)
    assert "دستور عمومی آزمون" in text and "مصوبه عمومی در جلسه عمومی" in text
    for secret in (
        "تالار محرمانه آزمون",
        "دستور محرمانه آزمون",
        "مصوبه غیرعمومی در جلسه عمومی",
        # the demo's approved meeting is not public: its agenda and its private resolutions
        "وضعیت امنیت شبکه دستگاه‌های اجرایی",
        "دستگاه‌ها گزارش ارزیابی امنیتی سامانه‌های خود را به دبیرخانه کارگروه بفرستند.",
    ):
        assert secret not in text, secret
    assert f"/oparl/v1.1/meeting/{hidden.pk}/" not in text
    assert f"/oparl/v1.1/meeting/{shown.pk}/" in text
    # A public resolution of a meeting that is not public is published, as on the public
    # page of resolutions, without its meeting.
    paper = next(
        a
        for a in answers.values()
        if isinstance(a, dict) and a.get("name") == "مصوبه محرمانه جلسه غیرعمومی"
    )
    assert "meeting" not in paper["consultation"][0]
    assert Client().get(f"/oparl/v1.1/meeting/{hidden.pk}/").status_code == 404
    for person in Person.objects.all():
        for detail in (person.national_code, person.mobile, person.email):
            if detail:
                assert detail not in text, detail
    assert "@" not in text
    for obj in (o for a in answers.values() if isinstance(a, dict) for o in _objects(a)):
        if obj["type"].endswith("/Person"):
            assert not {"email", "phone", "life", "location"} & set(obj)


def test_the_published_records_are_those_the_pages_show_a_visitor(working_group):
    """The same rules as the pages: meetings a visitor may open, resolutions of the public
    page of resolutions."""
    approved_meeting(working_group, public=True, resolutions=({"is_public": True},))
    approved_meeting(working_group, public=False, resolutions=({"is_public": True},))
    client = Client()
    meetings = _get(client, f"{BASE}/oparl/v1.1/body/{working_group.pk}/meeting/").json()["data"]
    for meeting in meetings:
        pk = meeting["id"].split("/")[-2]
        assert client.get(reverse("committees:meeting_detail", args=[pk])).status_code == 200
    expected = Meeting.objects.filter(body__jurisdiction="گیلان", state="approved", is_public=True)
    assert len(meetings) == expected.count() == 2
    papers = _get(client, f"{BASE}/oparl/v1.1/body/{working_group.pk}/paper/").json()["data"]
    public = register_selectors.public_resolutions()
    assert sorted(p["name"] for p in papers) == sorted(public.values_list("text", flat=True))


def test_the_minutes_file_checksum_is_that_of_the_pdf_served(working_group, monkeypatch):
    """The real WeasyPrint: ``sha512Checksum`` and ``size`` are those of the bytes the
    minutes page serves (``accessUrl``) and of the download (``downloadUrl``, an
    attachment), and the portal's fingerprint is given beside them."""
    monkeypatch.undo()
    meeting = approved_meeting(working_group, public=True)
    client = Client()
    data = client.get(reverse("resolutions:oparl_meeting", args=[meeting.pk])).json()
    protocol = data["resultsProtocol"]
    served = _get(client, protocol["accessUrl"])
    downloaded = _get(client, protocol["downloadUrl"])
    assert served["Content-Type"] == downloaded["Content-Type"] == "application/pdf"
    assert served.content == downloaded.content
    assert hashlib.sha512(served.content).hexdigest() == protocol["sha512Checksum"]
    assert len(served.content) == protocol["size"]
    assert not served["Content-Disposition"].startswith("attachment")
    assert downloaded["Content-Disposition"] == f'attachment; filename="{protocol["fileName"]}"'
    assert protocol["egov:fingerprint"] == meeting.minutes.fingerprint
    assert _get(client, protocol["id"]).json() == protocol


def test_the_checksums_are_worked_out_ahead_of_the_harvesters(working_group, monkeypatch):
    """``manage.py oparl_checksums`` renders each public minutes' PDF once; after it, a
    page of meetings renders none."""
    approved_meeting(working_group, public=True)
    approved_meeting(working_group, public=True)
    out = io.StringIO()
    call_command("oparl_checksums", stdout=out)
    assert "صورتجلسه‌های عمومی: ۳؛ پی‌دی‌اف تازه حساب‌شده: ۳." in out.getvalue()
    call_command("oparl_checksums", stdout=out)
    assert "صورتجلسه‌های عمومی: ۳؛ پی‌دی‌اف تازه حساب‌شده: ۰." in out.getvalue()

    def refuse(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(oparl_files, "render_pdf", refuse)
    url = reverse("resolutions:oparl_body_meetings", args=[working_group.pk])
    meetings = Client().get(url).json()["data"]
    assert len(meetings) == 3
    assert all(m["resultsProtocol"]["sha512Checksum"] for m in meetings)


def test_a_lost_minutes_file_is_left_out_of_lists_and_its_own_url_says_so(
    working_group, media_root, caplog
):
    """The archived PDF of public minutes is gone from the storage: the meeting is still
    listed (without ``resultsProtocol``: no file is published without its checksum), the
    File and its download answer 503 as OParl errors, and the checksum command goes on."""
    meeting = approved_meeting(working_group, public=True)
    client = Client()
    assert client.get(reverse("resolutions:minutes_pdf", args=[meeting.pk])).status_code == 200
    minutes = meeting.minutes.__class__.objects.get(pk=meeting.minutes.pk)
    minutes.archive.storage.delete(minutes.archive.name)
    cache.clear()

    data = client.get(reverse("resolutions:oparl_meeting", args=[meeting.pk])).json()
    assert data["id"].endswith(f"/meeting/{meeting.pk}/") and "resultsProtocol" not in data
    listed = client.get(reverse("resolutions:oparl_body_meetings", args=[working_group.pk]))
    assert listed.status_code == 200
    for url_name in ("resolutions:oparl_file", "resolutions:oparl_file_download"):
        response = client.get(reverse(url_name, args=[meeting.pk]))
        assert response.status_code == 503
        assert response.json()["type"].endswith("/Error")
        assert "از پشتیبان" in response.json()["message"]
    out = io.StringIO()
    call_command("oparl_checksums", stdout=out)
    assert "پی‌دی‌اف تازه حساب‌شده" in out.getvalue()
    assert any("missing from the storage" in r.getMessage() for r in caplog.records)


# --- the answer: JSON, CORS, conditional GET ------------------------------------------------------


def test_answers_are_utf8_json_with_persian_as_stored_and_cors(working_group):
    response = Client().get(reverse("resolutions:oparl_body", args=[working_group.pk]))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "استان گیلان".encode() in response.content
    assert b"\\u" not in response.content
    assert response.json()["name"] == "استان گیلان"


def test_a_browser_may_read_it_from_another_site(working_group):
    """CORS: any origin may read the answers and their ETag, and the preflight a browser
    sends before a conditional GET is answered."""
    url = reverse("resolutions:oparl_body_persons", args=[working_group.pk])
    client = Client()
    answer = client.get(url, HTTP_ORIGIN="https://journalist.example")
    assert answer["Access-Control-Allow-Origin"] == "*"
    assert answer["Access-Control-Expose-Headers"] == "ETag"
    preflight = client.options(
        url,
        HTTP_ORIGIN="https://journalist.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]


def test_answers_are_the_same_for_everyone_and_in_persian(working_group):
    """No session, no user: a signed-in secretary and a visitor who chose English get the
    visitor's bytes."""
    url = reverse("resolutions:oparl_body_organizations", args=[working_group.pk])
    visitor = Client().get(url)
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for response in (client_for("secretary").get(url), english.get(url)):
        assert response.content == visitor.content
    assert visitor["Content-Language"] == "fa"


def test_errors_are_oparl_error_objects(working_group):
    client = Client()
    missing = client.get(reverse("resolutions:oparl_meeting", args=[999999]))
    assert missing.status_code == 404
    assert missing["Access-Control-Allow-Origin"] == "*"
    assert missing.json() == {
        "type": "https://schema.oparl.org/1.1/Error",
        "message": "چنین شیئی در داده‌های باز درگاه نیست.",
    }
    written = Client(enforce_csrf_checks=True).post(reverse("resolutions:oparl_system"))
    assert written.status_code == 405
    assert written["Allow"] == "GET, HEAD, OPTIONS"
    bad = client.get(
        reverse("resolutions:oparl_body_persons", args=[working_group.pk]),
        {"modified_since": "دیروز"},
    )
    assert bad.status_code == 400
    assert "modified_since" in bad.json()["message"]
    past_the_end = client.get(
        reverse("resolutions:oparl_body_persons", args=[working_group.pk]), {"page": 99}
    )
    assert past_the_end.status_code == 404


@pytest.mark.parametrize(
    "url_name",
    ["oparl_body", "oparl_body_persons", "oparl_body_meetings", "oparl_body_papers"],
)
def test_conditional_get_answers_304(url_name, working_group):
    approved_meeting(working_group, public=True, resolutions=({"is_public": True},))
    client = Client()
    url = reverse(f"resolutions:{url_name}", args=[working_group.pk])
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == "*"
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_a_change_ends_the_304(working_group):
    client = Client()
    url = reverse("resolutions:oparl_body_persons", args=[working_group.pk])
    first = client.get(url)
    governor = Person.objects.get(last_name="کریمی")
    later = max(timezone.now(), governor.updated_at) + datetime.timedelta(minutes=5)
    Person.objects.filter(pk=governor.pk).update(first_name="محمد", updated_at=later)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    changed = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert changed.status_code == 200
    assert "دکتر محمد کریمی" in changed.content.decode()


# --- lists: pages and filters ---------------------------------------------------------------------


def test_lists_come_in_pages_linked_by_next(working_group):
    client = Client()
    url = f"{BASE}/oparl/v1.1/body/{working_group.pk}/person/?modified_since=2000-01-01T00%3A00%3A00%2B03%3A30&limit=4"
    seen, pages = [], 0
    while url:
        page = _get(client, url).json()
        pages += 1
        seen.extend(p["id"] for p in page["data"])
        assert page["pagination"]["elementsPerPage"] == 4
        assert page["pagination"]["currentPage"] == pages
        assert "modified_since=2000-01-01T00%3A00%3A00%2B03%3A30" in page["links"]["self"]
        url = page["links"].get("next")
    total = page["pagination"]["totalElements"]
    assert len(seen) == len(set(seen)) == total > 8
    assert pages == page["pagination"]["totalPages"] == -(-total // 4)
    assert "next" not in page["links"] and page["links"]["last"] == page["links"]["self"]
    everyone = _get(client, f"{BASE}/oparl/v1.1/body/{working_group.pk}/person/").json()
    assert [p["id"] for p in everyone["data"]] == seen, "a stable order, by id"


def test_created_and_modified_filters(working_group):
    client = Client()
    url = reverse("resolutions:oparl_body_meetings", args=[working_group.pk])
    before = timezone.now() - datetime.timedelta(seconds=1)
    meeting = approved_meeting(working_group, public=True)

    def ids(**params):
        data = client.get(url, params).json()["data"]
        return [m["id"].split("/")[-2] for m in data]

    stamp = before.isoformat()
    assert ids(created_since=stamp) == [str(meeting.pk)]
    assert str(meeting.pk) not in ids(created_until=stamp)
    assert ids(modified_since=stamp) == [str(meeting.pk)]
    assert ids(modified_since=(timezone.now() + datetime.timedelta(days=1)).isoformat()) == []
    assert str(meeting.pk) in ids()
    # A "+" left unencoded arrives as a space and is still read as the zone's sign.
    local = timezone.localtime(before).replace(microsecond=0).isoformat()
    assert ids(created_since=local.replace("+", " ")) == [str(meeting.pk)]


def test_omit_internal_leaves_out_the_embedded_lists(working_group):
    approved_meeting(working_group, public=True)
    client = Client()
    for kind, embedded in (("persons", "membership"), ("meetings", "agendaItem")):
        url = reverse(f"resolutions:oparl_body_{kind}", args=[working_group.pk])
        full = client.get(url).json()
        short = client.get(url, {"omit_internal": "true"}).json()
        assert any(embedded in o for o in full["data"]), kind
        assert not any(embedded in o for o in short["data"]), kind
        assert [o["id"] for o in short["data"]] == [o["id"] for o in full["data"]]
        assert short["links"]["self"].endswith("?omit_internal=true")


def test_a_paper_changes_with_its_directives(working_group):
    """The directives' progress is published (as the public page counts it), so a paper's
    ``modified`` moves when a directive moves, and ``modified_since`` finds it."""
    meeting = approved_meeting(
        working_group,
        public=True,
        resolutions=(
            {"text": "مصوبه پیگیری", "is_public": True, "responsible": [education(), water()]},
        ),
    )
    resolution = meeting.resolutions.get()
    client = Client()
    url = reverse("resolutions:oparl_paper", args=[resolution.pk])
    first = client.get(url).json()
    assert first["egov:directiveProgress"] == {"agencies": 2, "done": 0, "overdue": 0}
    later = timezone.now()
    done = Directive.objects.get(resolution=resolution, agency=education())
    directive_acknowledge(directive=done, user=user("itmanager"))
    progress_report_add(
        directive=done, user=user("itmanager"), percent=100, narrative="انجام شد", final=True
    )
    directive_verify(directive=done, user=user("secretary"))
    Directive.objects.filter(resolution=resolution, agency=water()).update(
        due_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    paper = client.get(url).json()
    status = register_selectors.resolution_status([resolution.pk])[resolution.pk]
    assert (
        paper["egov:directiveProgress"]
        == {
            "agencies": status.active,
            "done": status.verified,
            "overdue": status.overdue,
        }
        == {"agencies": 2, "done": 1, "overdue": 1}
    )
    assert paper["modified"] >= timezone.localtime(later).isoformat(timespec="seconds")
    papers = client.get(
        reverse("resolutions:oparl_body_papers", args=[working_group.pk]),
        {"modified_since": later.isoformat()},
    ).json()["data"]
    assert [p["id"] for p in papers] == [paper["id"]]


# --- deleted objects ---------------------------------------------------------------------------


def _security_subcommittee() -> Body:
    return body_of(BodyKind.SUBCOMMITTEE, "امنیت")


def test_a_body_hidden_from_the_public_stays_as_deleted(working_group):
    """A subcommittee hidden after it was public: its organization, its meetings, their
    files, its memberships and the people who held nothing else come back deleted (id,
    type, created, modified, ``deleted``), in lists only to ``modified_since``."""
    security = _security_subcommittee()
    assign_perm("committees.chair_body", user("chair"), security)
    meeting = approved_meeting(security, public=True)
    client = Client()
    people = set(Membership.objects.filter(seat__body=security).values_list("person_id", flat=True))
    assert len(people) == 3
    membership = Membership.objects.filter(seat__body=security).first()
    before = timezone.now() - datetime.timedelta(seconds=1)
    security.is_public = False
    security.save()

    organization = client.get(reverse("resolutions:oparl_organization", args=[security.pk])).json()
    assert organization["deleted"] is True
    assert set(organization) == {"id", "type", "created", "modified", "deleted"}
    assert VALIDATORS["Organization"].is_valid(organization)
    assert organization["modified"] >= timezone.localtime(before).isoformat(timespec="seconds")
    for name, args in (
        ("oparl_meeting", [meeting.pk]),
        ("oparl_file", [meeting.minutes.pk]),
        ("oparl_membership", [membership.pk]),
        ("oparl_person", [membership.person_id]),
    ):
        gone = client.get(reverse(f"resolutions:{name}", args=args)).json()
        assert gone["deleted"] is True, name
    download = client.get(reverse("resolutions:oparl_file_download", args=[meeting.minutes.pk]))
    assert download.status_code == 410

    lists = {
        "organization": security.pk,
        "meeting": meeting.pk,
        "person": sorted(people)[0],
    }
    for kind, pk in lists.items():
        url = reverse(f"resolutions:oparl_body_{kind}s", args=[working_group.pk])
        plain = client.get(url).json()["data"]
        assert f"/{kind}/{pk}/" not in json.dumps(plain), kind
        changes = client.get(url, {"modified_since": before.isoformat()}).json()["data"]
        [deleted] = [o for o in changes if o["id"].endswith(f"/{kind}/{pk}/")]
        assert deleted["deleted"] is True
        assert all(VALIDATORS[o["type"].removeprefix(SCHEMA_BASE)].is_valid(o) for o in changes)


def test_a_deleted_membership_stays_as_deleted(working_group):
    """An administrator deletes a named membership: its URL answers deleted, the person who
    held nothing else is deleted, and the working group's list of memberships loses it."""
    seat = Seat.objects.get(body=working_group, order=10)
    membership = Membership.objects.get(seat=seat)
    person = membership.person
    client = Client()
    url = reverse("resolutions:oparl_membership", args=[membership.pk])
    created = client.get(url).json()["created"]
    before = timezone.now() - datetime.timedelta(seconds=1)
    membership.delete()
    gone = client.get(url).json()
    assert gone["deleted"] is True and gone["created"] == created
    assert VALIDATORS["Membership"].is_valid(gone)
    assert client.get(reverse("resolutions:oparl_person", args=[person.pk])).json()["deleted"]
    organization = client.get(reverse("resolutions:oparl_organization", args=[working_group.pk]))
    assert url not in organization.content.decode()
    assert organization.json()["modified"] >= timezone.localtime(before).isoformat("T", "seconds")
    people = reverse("resolutions:oparl_body_persons", args=[working_group.pk])
    assert f"/person/{person.pk}/" not in client.get(people).content.decode()
    changed = client.get(people, {"modified_since": before.isoformat()}).json()["data"]
    assert [p["id"].split("/")[-2] for p in changed if p.get("deleted")] == [str(person.pk)]


def test_a_body_never_public_is_not_found(working_group):
    """Only what was public comes back as deleted: a body the public never saw is a 404."""
    secret = Body.objects.create(
        name="کمیته آزمایشی پنهان",
        kind=BodyKind.SUBCOMMITTEE,
        jurisdiction="گیلان",
        is_public=False,
    )
    client = Client()
    assert (
        client.get(reverse("resolutions:oparl_organization", args=[secret.pk])).status_code == 404
    )
    url = reverse("resolutions:oparl_body_organizations", args=[working_group.pk])
    listed = client.get(url, {"modified_since": "2000-01-01T00:00:00+00:00"})
    assert f"/organization/{secret.pk}/" not in listed.content.decode()


# --- query budgets -----------------------------------------------------------------------------


def _more_people(working_group, many: bool) -> None:
    seat = (
        Seat.objects.filter(body=working_group, kind=SeatKind.NOMINATED).order_by("order").first()
    )
    for i in range(12 if many else 1):
        person = Person.objects.create(first_name=f"آزمون{i}", last_name="نمونه")
        Membership.objects.create(seat=seat, person=person, start_date=datetime.date(2020, 1, 1))


def _more_meetings(working_group, many: bool) -> None:
    for _i in range(5 if many else 1):
        approved_meeting(working_group, public=True, agenda=("یک", "دو"))


def _more_papers(working_group, many: bool) -> None:
    approved_meeting(
        working_group,
        public=True,
        resolutions=tuple(
            {"text": f"مصوبه {i}", "is_public": True, "responsible": [education(), water()]}
            for i in range(30 if many else 1)
        ),
    )


def _more_bodies(working_group, many: bool) -> None:
    steering = body_of(BodyKind.STEERING_COMMITTEE)
    for i in range(5 if many else 1):
        body = Body.objects.create(
            name=f"زیرکمیته آزمون {i}",
            kind=BodyKind.SUBCOMMITTEE,
            jurisdiction="گیلان",
            parent=steering,
            legal_basis=steering.legal_basis,
        )
        Seat.objects.create(body=body, order=1, title="عضو", kind=SeatKind.NOMINATED)


@pytest.mark.parametrize("many", [False, True])
@pytest.mark.parametrize(
    ("kind", "make", "queries"),
    [
        ("organizations", _more_bodies, 10),
        ("persons", _more_people, 12),
        ("meetings", _more_meetings, 9),
        ("papers", _more_papers, 7),
    ],
)
@pytest.mark.parametrize("params", [{}, {"modified_since": "2000-01-01T00:00:00+00:00"}])
def test_list_query_budget(
    kind, make, queries, many, params, working_group, django_assert_num_queries
):
    make(working_group, many)
    client = Client()
    url = reverse(f"resolutions:oparl_body_{kind}", args=[working_group.pk])
    client.get(url, params)  # the checksums of the minutes' PDFs are cached from now on
    with django_assert_num_queries(queries):
        assert client.get(url, params).status_code == 200
