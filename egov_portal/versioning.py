"""Edit forms never overwrite each other silently (optimistic locking).

A :class:`Versioned` row counts its saves through an edit form in ``version``. The form
(:class:`VersionedFormMixin`) carries, hidden, the version it was rendered from; the
service calls :func:`version_claim` inside its transaction, which moves the stored version
on by one only while it is still that one. When someone else saved in the meantime it
raises :class:`StaleVersion` (a ``ValidationError`` with code ``stale``) naming every field
whose stored value differs from what the user sent, and nothing is written.
``egov_portal.forms.run_service`` shows it on the form, which keeps what the user typed and
now carries the stored version: saving again (having read the message) goes through.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from egov_portal.text.jalali import display_datetime, display_short


class Versioned(models.Model):
    """A row edited through forms: ``version`` goes up by one with every such save."""

    version = models.PositiveIntegerField(_("نسخه"), default=1, editable=False)

    class Meta:
        abstract = True


class StaleVersion(ValidationError):
    """Someone saved the row after the user's form was rendered; ``version`` is the stored
    one, which the re-rendered form carries from then on."""

    def __init__(self, messages: list, *, version: int):
        super().__init__(messages)
        self.version = version


class VersionedFormMixin:
    """Adds the hidden ``version`` field; give it the row's version in ``initial``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, min_value=1
        )

    def version_refresh(self, version: int) -> None:
        """Carry the stored ``version`` from now on, keeping everything the user typed."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(version)
        self.data = data


def _same(a: object, b: object) -> bool:
    def plain(value):
        if isinstance(value, models.Model):
            return value.pk
        if isinstance(value, str):
            return value.strip()
        return "" if value is None else value

    return plain(a) == plain(b)


def shown(value: object) -> str:
    """A stored value as the stale message shows it."""
    if value is None or value == "" or value == []:
        return gettext("(خالی)")
    if isinstance(value, bool):
        return gettext("بله") if value else gettext("خیر")
    if isinstance(value, datetime.datetime):
        return display_datetime(value)
    if isinstance(value, datetime.date):
        return display_short(value)
    if isinstance(value, list | tuple):
        return "، ".join(str(v) for v in value)
    return Truncator(str(value)).chars(200)


def _field_shown(row: models.Model, name: str) -> str:
    field = row._meta.get_field(name)
    value = getattr(row, name)
    if field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    return shown(value)


def version_claim(
    *,
    instance: models.Model,
    version: int | None,
    submitted: dict[str, object],
    also: Iterable[tuple[str, object, object, str]] = (),
) -> None:
    """Move ``instance``'s stored version on by one, inside the caller's transaction, if it
    is still ``version`` — the one the user's form was rendered from (``None``: a caller
    without a form, not checked). Otherwise raise :class:`StaleVersion` listing «field:
    stored value» for each field of ``submitted`` (name -> value the user sent) whose stored
    value differs, and for each ``also`` entry (label, stored, sent, stored as shown) that
    is not a column of the row. Call it before anything is written."""
    rows = type(instance)._base_manager.filter(pk=instance.pk)
    if version is None:
        rows.update(version=F("version") + 1)
        instance.version = rows.values_list("version", flat=True).get()
        return
    if rows.filter(version=version).update(version=F("version") + 1):
        instance.version = version + 1
        return
    stored = rows.get()
    messages = [
        ValidationError(
            gettext(
                "در این فاصله کس دیگری همین را ذخیره کرده است و چیزی بازنویسی نشد؛ آنچه شما "
                "وارد کرده‌اید در فرم مانده است. مقدار کنونی ذخیره‌شده هر جا که با نوشته شما "
                "فرق دارد در زیر آمده است؛ اگر باز هم ذخیره کنید، نوشته شما جای آن را می‌گیرد."
            ),
            code="stale",
        )
    ]
    differences = [
        (str(stored._meta.get_field(name).verbose_name), _field_shown(stored, name))
        for name, sent in submitted.items()
        if not _same(getattr(stored, name), sent)
    ]
    differences += [(str(label), text) for label, now, sent, text in also if not _same(now, sent)]
    messages += [
        ValidationError(
            gettext("%(field)s: «%(value)s»") % {"field": label, "value": text}, code="stale"
        )
        for label, text in differences
    ]
    raise StaleVersion(messages, version=stored.version)
