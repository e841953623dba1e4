"""Idempotent loading of reference data: write a row only when something differs."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def upsert(
    model: type[M],
    lookup: dict[str, Any],
    values: dict[str, Any],
    *,
    fill: dict[str, Any] | None = None,
) -> tuple[M, str]:
    """Get the row matching ``lookup`` and bring ``values`` up to date.

    ``fill`` holds values written only where the row's field is empty (a new row, or a
    blank field): data an administrator may edit afterwards, whose edits must survive the
    next load.

    Returns the row and what happened: ``"created"``, ``"updated"`` or ``"unchanged"``.
    An unchanged row is not saved, so its ``updated_at`` keeps telling the truth.
    """
    fill = fill or {}
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **fill, **values), "created"
    wanted = {name: value for name, value in fill.items() if value and not getattr(obj, name)}
    wanted.update(values)
    changed = [name for name, value in wanted.items() if getattr(obj, name) != value]
    if not changed:
        return obj, "unchanged"
    for name in changed:
        setattr(obj, name, wanted[name])
    obj.save()
    return obj, "updated"
