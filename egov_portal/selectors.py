"""Cross-cutting reads: the year's slogan of a document and the province's letterhead."""

from __future__ import annotations

import base64
import mimetypes

from django.utils.translation import gettext as _

from egov_portal.models import Province, Slogan
from egov_portal.text.jalali import to_jalali


def jalali_year(day) -> int:
    """The Jalali year of ``day``: a date or datetime, Gregorian or Jalali (an aware
    datetime counts in the portal's time zone)."""
    return to_jalali(day).year


def slogans_by_year() -> dict[int, str]:
    """Every recorded slogan by its Jalali year (one query), for documents made in bulk."""
    return dict(Slogan.objects.values_list("year", "text"))


def slogan_for(day, *, slogans: dict[int, str] | None = None) -> str:
    """The slogan of the Jalali year ``day`` falls in, or "" when that year has none.

    A document prints the slogan of its own date (the meeting of minutes, the issue of a
    letter, the making of a report), so reprinting it years later prints the same line.
    Give ``slogans`` (from :func:`slogans_by_year`) to look many up with no query each.
    """
    if day is None:
        return ""
    year = jalali_year(day)
    if slogans is not None:
        return slogans.get(year, "")
    return Slogan.objects.filter(year=year).values_list("text", flat=True).first() or ""


def province_authority(jurisdiction: str, *, provinces=None) -> str:
    """The governorate a body of ``jurisdiction`` belongs to, as letterheads print it
    («استانداری گیلان»): the recorded province's, else made of the jurisdiction's name;
    "" for a national body (no jurisdiction). ``provinces`` is the Province manager to read
    (a data migration passes its historical one)."""
    if not jurisdiction:
        return ""
    manager = Province.objects if provinces is None else provinces
    authority = manager.filter(name=jurisdiction).values_list("authority", flat=True).first()
    return authority or _("استانداری %(province)s") % {"province": jurisdiction}


def emblem_data_uri(jurisdiction: str) -> str:
    """The emblem an administrator set for the province of ``jurisdiction`` as a ``data:``
    URI (documents embed it, fetching nothing), or "" when none is set or it is unreadable."""
    province = Province.objects.filter(name=jurisdiction).exclude(emblem="").first()
    return _emblem_of(province)


def letterhead_for(jurisdiction: str) -> dict:
    """The lines every official document's letterhead prints above its body's name
    (egov_portal/documents/letterhead.html): the country, the governorate of
    ``jurisdiction`` («استانداری گیلان», "" for a national body) and its emblem as a
    ``data:`` URI ("" when none is set: the letterhead prints a neutral placeholder).
    One query, for documents drawn from the live records (the minutes keep theirs in
    their snapshot)."""
    province = Province.objects.filter(name=jurisdiction).first() if jurisdiction else None
    authority = ""
    if jurisdiction:
        authority = (province.authority if province else "") or _("استانداری %(province)s") % {
            "province": jurisdiction
        }
    return {
        "country": _("جمهوری اسلامی ایران"),
        "authority": authority,
        "emblem": _emblem_of(province),
    }


def _emblem_of(province) -> str:
    if province is None or not province.emblem:
        return ""
    try:
        with province.emblem.open("rb") as handle:
            data = handle.read()
    except OSError:
        return ""
    content_type = mimetypes.guess_type(province.emblem.name)[0] or _image_type(data)
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def _image_type(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    return "application/octet-stream"
