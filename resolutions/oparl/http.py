"""OParl's HTTP conventions, for every view of the endpoint.

JSON in UTF-8 with Persian text as stored (§2.4); ``Access-Control-Allow-Origin: *`` on
every answer, and the browsers' preflight answered (§2.6); lists in pages with ``data``,
``pagination`` and ``links``, filtered by ``created_since``/``created_until``/
``modified_since``/``modified_until`` and shortened by ``omit_internal``, their links in one
canonical form that keeps the filters (§2.5); deleted objects only when ``modified_since``
asks what changed (§2.5, §2.8); errors as an ``Error`` object with a Persian message (§2.9).
Every answer carries an ``ETag`` of its bytes and, where the data says when it changed, a
``Last-Modified``, and gets ``304`` for a matching ``If-None-Match`` or
``If-Modified-Since``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from egov_portal.caching import is_personal
from egov_portal.text.i18n import portal_language
from resolutions.services.archive import ArchivedFileMissing

ERROR_TYPE = "https://schema.oparl.org/1.1/Error"
JSON_TYPE = "application/json; charset=utf-8"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"


class BadQuery(Exception):
    """A list's query parameter the endpoint cannot read; the message says which, in
    Persian."""


class Gone(Exception):
    """A file that was published and is no longer (410, as the spec recommends)."""


# --- the answer ---------------------------------------------------------------------------------


def _error(status: int, message: str) -> HttpResponse:
    body = json.dumps({"type": ERROR_TYPE, "message": message}, ensure_ascii=False)
    return HttpResponse(body.encode("utf-8"), status=status, content_type=JSON_TYPE)


def _json(request, data: dict, last_modified: datetime.datetime | None) -> HttpResponse:
    """``data`` as UTF-8 JSON (Persian as it is, not escaped), with its ETag and
    Last-Modified, or ``304 Not Modified`` when the client already has it."""
    content = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return conditional(request, HttpResponse(content, content_type=JSON_TYPE), last_modified)


def conditional(request, response: HttpResponse, last_modified: datetime.datetime | None):
    """``response`` with its validators (an ETag of its bytes, ``last_modified``), or a
    304 when the client's copy is current. An answer to a signed-in user gets none: the
    portal marks every such answer private and keeps no validator on it
    (``egov_portal.caching``), though the endpoint answers him as anyone."""
    if is_personal(request):
        return response
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:40] + '"'
    stamp = int(last_modified.timestamp()) if last_modified else None
    response["ETag"] = etag
    if stamp is not None:
        response["Last-Modified"] = http_date(stamp)
    return get_conditional_response(request, etag=etag, last_modified=stamp, response=response)


def oparl_endpoint(view: Callable) -> Callable:
    """Makes ``view`` — which returns ``(data, last modified)`` or a ready response — an
    OParl answer: GET and HEAD (and the browsers' CORS preflight), in the portal's
    language, with CORS, conditional GET and errors as OParl ``Error`` objects."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with portal_language():
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
                response["Allow"] = ALLOWED_METHODS
                response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
                response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
                response["Access-Control-Max-Age"] = "86400"
            elif request.method not in ("GET", "HEAD"):
                response = _error(405, _("داده‌های باز فقط خواندنی‌اند: تنها GET پذیرفته می‌شود."))
                response["Allow"] = ALLOWED_METHODS
            else:
                try:
                    result = view(request, *args, **kwargs)
                    response = (
                        result if isinstance(result, HttpResponse) else _json(request, *result)
                    )
                except Http404:
                    response = _error(404, _("چنین شیئی در داده‌های باز درگاه نیست."))
                except Gone:
                    response = _error(410, _("این پرونده دیگر منتشر نمی‌شود."))
                except BadQuery as refusal:
                    response = _error(400, str(refusal))
                except ArchivedFileMissing:  # logged where it was found
                    response = _error(
                        503,
                        _(
                            "پرونده بایگانی‌شده این صورتجلسه در دسترس نیست؛ "
                            "راهبر سامانه آن را از پشتیبان بازمی‌گرداند."
                        ),
                    )
        response["Access-Control-Allow-Origin"] = "*"
        # A page's script may read the validator to ask again with If-None-Match.
        response["Access-Control-Expose-Headers"] = "ETag"
        response["Content-Language"] = settings.LANGUAGE_CODE
        return response

    # Nothing here changes anything: a POST gets the endpoint's 405, not the CSRF page.
    return csrf_exempt(wrapper)


# --- lists: filters and pages ----------------------------------------------------------------------

FILTERS = ("created_since", "created_until", "modified_since", "modified_until")


def _moment(name: str, value: str) -> datetime.datetime:
    """An ISO 8601 date-time (a bare date is its first moment; a time without a zone is the
    portal's); a ``+`` left unencoded in the query arrives as a space and is read back."""
    text = value.strip()
    if len(text) > 19 and text[19:20] == " ":
        text = text[:19] + "+" + text[20:]
    try:
        moment = parse_datetime(text)
        day = None if moment else parse_date(text)
    except ValueError:
        moment = day = None
    if moment is None and day is not None:
        moment = datetime.datetime.combine(day, datetime.time.min)
    if moment is None:
        raise BadQuery(
            _("«%(name)s» تاریخ و زمانی به قالب ISO 8601 نیست؛ مانند 2025-03-21T08:00:00+03:30.")
            % {"name": name}
        )
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _positive(name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise BadQuery(_("«%(name)s» باید عددی درست و بزرگ‌تر از صفر باشد.") % {"name": name})
    return number


@dataclass(frozen=True)
class ListQuery:
    """What a client asked of a list: the date filters, ``omit_internal``, ``limit`` and
    the page; :meth:`url` writes them back in one canonical order."""

    created_since: datetime.datetime | None = None
    created_until: datetime.datetime | None = None
    modified_since: datetime.datetime | None = None
    modified_until: datetime.datetime | None = None
    omit_internal: bool = False
    limit: int | None = None
    page: int = 1

    @classmethod
    def parse(cls, params) -> ListQuery:
        values = {
            name: _moment(name, params[name]) for name in FILTERS if params.get(name, "").strip()
        }
        return cls(
            **values,
            omit_internal=params.get("omit_internal", "").strip().lower() == "true",
            limit=_positive("limit", params["limit"]) if params.get("limit") else None,
            page=_positive("page", params["page"]) if params.get("page") else 1,
        )

    @property
    def with_deleted(self) -> bool:
        """Deleted objects are listed only to a client asking what changed (spec §2.5)."""
        return self.modified_since is not None

    def size(self, largest: int) -> int:
        return min(self.limit, largest) if self.limit else largest

    def url(self, base: str, page: int) -> str:
        params = [
            (name, getattr(self, name).isoformat()) for name in FILTERS if getattr(self, name)
        ]
        if self.omit_internal:
            params.append(("omit_internal", "true"))
        if self.limit:
            params.append(("limit", str(self.limit)))
        if page > 1:
            params.append(("page", str(page)))
        return f"{base}?{urlencode(params)}" if params else base

    def keeps(self, created: datetime.datetime, modified: datetime.datetime) -> bool:
        """Whether an object made at ``created`` and changed at ``modified`` passes."""
        return (
            (self.created_since is None or created >= self.created_since)
            and (self.created_until is None or created <= self.created_until)
            and (self.modified_since is None or modified >= self.modified_since)
            and (self.modified_until is None or modified <= self.modified_until)
        )

    def created_q(self, field: str = "created_at") -> Q:
        q = Q()
        if self.created_since:
            q &= Q(**{f"{field}__gte": self.created_since})
        if self.created_until:
            q &= Q(**{f"{field}__lte": self.created_until})
        return q

    def modified_q(self, field: str = "oparl_modified") -> Q:
        q = Q()
        if self.modified_since:
            q &= Q(**{f"{field}__gte": self.modified_since})
        if self.modified_until:
            q &= Q(**{f"{field}__lte": self.modified_until})
        return q


@dataclass
class ListPage:
    """One page of a list: its rows and where it stands."""

    rows: list
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max((self.total + self.size - 1) // self.size, 1)


def _page_bounds(query: ListQuery, total: int, size: int) -> tuple[int, int]:
    pages = max((total + size - 1) // size, 1)
    if query.page > pages:
        raise Http404
    start = (query.page - 1) * size
    return start, start + size


@dataclass(frozen=True)
class ListedObject:
    """An object of a list held in memory, with what its filters and pages need."""

    pk: int
    created: datetime.datetime
    modified: datetime.datetime
    deleted: bool
    data: dict


def listed(objects: list[ListedObject], query: ListQuery) -> list[ListedObject]:
    """The objects ``query`` asks for: deleted ones only to ``modified_since``."""
    return [
        o
        for o in objects
        if (query.with_deleted or not o.deleted) and query.keeps(o.created, o.modified)
    ]


def page_of_objects(objects: list[ListedObject], query: ListQuery, *, largest: int) -> ListPage:
    """A page of a list already in memory."""
    size = query.size(largest)
    start, end = _page_bounds(query, len(objects), size)
    return ListPage(objects[start:end], len(objects), query.page, size)


def page_of_queryset(queryset: QuerySet, query: ListQuery, *, largest: int) -> ListPage:
    """A page of a queryset in its stable order (three queries: the count, the page's ids,
    and its rows). The ids come first so that the database works out the rows' computed
    columns for the page only, not for every row it skips to reach it."""
    size = query.size(largest)
    total = queryset.count()
    start, end = _page_bounds(query, total, size)
    ids = list(queryset.values_list("pk", flat=True)[start:end])
    return ListPage(list(queryset.filter(pk__in=ids)), total, query.page, size)


def list_answer(
    request,
    page: ListPage,
    query: ListQuery,
    data: list[dict],
    last_modified: datetime.datetime | None,
) -> tuple[dict, datetime.datetime | None]:
    """A list page as OParl writes it: ``data``, ``pagination`` and ``links``."""
    base = settings.PORTAL_BASE_URL + request.path
    links = {"first": query.url(base, 1), "self": query.url(base, page.number)}
    if page.number > 1:
        links["prev"] = query.url(base, page.number - 1)
    if page.number < page.pages:
        links["next"] = query.url(base, page.number + 1)
    links["last"] = query.url(base, page.pages)
    pagination = {
        "totalElements": page.total,
        "elementsPerPage": page.size,
        "currentPage": page.number,
        "totalPages": page.pages,
    }
    return {"data": data, "pagination": pagination, "links": links}, last_modified


def latest(*moments) -> datetime.datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None
