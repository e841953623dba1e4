"""Idempotent loading of reference data: write a row only when something differs."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def upsert(model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> tuple[M, str]:
    """Get the row matching ``lookup`` and bring ``values`` up to date.

    Returns the row and what happened: ``"created"``, ``"updated"`` or ``"unchanged"``.
    An unchanged row is not saved, so its ``updated_at`` keeps telling the truth.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), "created"
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj, "unchanged"
    for name in changed:
        setattr(obj, name, values[name])
    obj.save()
    return obj, "updated"
