"""The audit trail: who created, changed, moved or removed which record, and who was
granted or lost which permission — with the field values before and after.

Each app's ``AppConfig.ready()`` registers its models with :func:`track`, which connects
``pre_save``, ``post_save`` and ``post_delete`` receivers; each change writes one
``AuditEvent`` row in the same transaction as the change. The receivers are bookkeeping
only: no business rules, and they never raise on their own account (a record whose body
cannot be found is stored with ``body_id=None``).

Cost per change: one INSERT, plus for an update one SELECT by primary key that reads the
row as it was (and, in the same query, the body it belongs to). Creating a row whose
parent is not already loaded costs one more SELECT to find its body; the description
(``object_repr``) never queries — ``str()`` is tried only when the parents it may name are
loaded, with queries blocked, and falls back to «<model> #<pk>: <name or title>».

Who: ``AuditUserMiddleware`` puts the request in a context variable for the duration of
the request (the user is read lazily, only when something is recorded); outside a request
— management commands, the shell, tests calling services — events carry ``actor=None``
and ``source="command"``. Background work may say who it acts for with ``acting_as``.

``bulk_create`` and ``QuerySet.update`` send no signals and are not recorded.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import json
import logging
from dataclasses import dataclass
from typing import Any

import jdatetime
from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models
from django.db.models.signals import post_delete, post_save, pre_save

from egov_portal.accounts.security import client_address
from egov_portal.models import AuditAction, AuditEvent, AuditSource
from egov_portal.text.i18n import portal_language

log = logging.getLogger("egov_portal.audit")

#: model label → how to reach the body the row belongs to ("pk": the row is a body;
#: a chain of foreign keys ending at the body; None: belongs to no body). Filled by each
#: app's ``AppConfig.ready()`` through :func:`track`: the core names no model above it.
BODY_PATHS: dict[str, str | None] = {}
#: guardian's direct permission tables: a new row is a grant, a deleted row a revocation.
PERMISSION_MODELS: set[str] = set()
#: derived or bookkeeping columns that say nothing about the change.
EXCLUDED_FIELDS = frozenset({"search_text", "canonical", "created_at", "updated_at"})
STATE_FIELD = "state"
#: a field that names the row, for the description when ``str()`` would need a query.
NAME_FIELDS = ("name", "title", "letter_number")


# --- who is acting -----------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    source: str
    request: Any = None
    user: Any = None


_context: contextvars.ContextVar[_Context | None] = contextvars.ContextVar(
    "egov_audit_context", default=None
)


class AuditUserMiddleware:
    """Makes the request's user the actor of what the request changes (place it right
    after ``AuthenticationMiddleware``). ``request.user`` is only read when a tracked
    record is actually written, so pages that change nothing cost no extra query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _context.set(_Context(source=AuditSource.WEB, request=request))
        try:
            return self.get_response(request)
        finally:
            _context.reset(token)


@contextlib.contextmanager
def acting_as(user, *, source: str = AuditSource.COMMAND):
    """Record what happens inside the block as done by ``user`` (background jobs, or a
    command run on someone's behalf)."""
    token = _context.set(_Context(source=source, user=user))
    try:
        yield
    finally:
        _context.reset(token)


def _who() -> tuple[int | None, str, str | None]:
    """(actor id, source, client address) for the event being recorded."""
    context = _context.get()
    if context is None:
        return None, AuditSource.COMMAND, None
    user, address = context.user, None
    try:
        if context.request is not None:
            user = getattr(context.request, "user", None)
            address = client_address(context.request) or None
        actor_id = user.pk if user is not None and user.is_authenticated else None
    except Exception:
        log.warning("audit: could not read the request's user", exc_info=True)
        actor_id = None
    return actor_id, context.source, address


# --- serialisation -------------------------------------------------------------------


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in EXCLUDED_FIELDS
    ]


def _jsonable(field: models.Field, value: Any) -> Any:
    """A JSON value comparable between the row read back and the instance being saved:
    dates as Gregorian ISO strings, datetimes in UTC, files by name."""
    if value is None:
        return None
    if isinstance(value, str) and isinstance(field, models.DateField):
        with contextlib.suppress(Exception):
            value = field.to_python(value)
    if isinstance(value, jdatetime.datetime | jdatetime.date):
        value = value.togregorian()
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    if isinstance(value, bool | int | float | str):
        return value
    try:
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    except (TypeError, ValueError):
        return str(value)


def _loaded(instance: models.Model, names: set[str] | None = None) -> list[models.Field]:
    """The fields to compare: those being saved, never a deferred one (reading it would
    cost a query each)."""
    deferred = instance.get_deferred_fields()
    return [
        f
        for f in _fields(type(instance))
        if f.attname not in deferred and (names is None or f.name in names)
    ]


def _snapshot(instance: models.Model, fields: list[models.Field]) -> dict[str, Any]:
    return {f.name: _jsonable(f, f.value_from_object(instance)) for f in fields}


def _permission_label(instance: models.Model) -> str | int | None:
    """«committees.manage_body» for a permission row (the id if it cannot be read)."""
    field = instance._meta.get_field("permission")
    try:
        if field.is_cached(instance):
            permission = instance.permission
        else:
            permission = (
                field.related_model.objects.select_related("content_type")
                .only("codename", "content_type__app_label")
                .get(pk=instance.permission_id)
            )
        return f"{permission.content_type.app_label}.{permission.codename}"
    except Exception:
        return instance.permission_id


class _QueryBlocked(Exception):
    pass


def _refuse_queries(execute, sql, params, many, context):
    raise _QueryBlocked


def _unloaded_parent(instance: models.Model) -> bool:
    """True if the row points at a parent that is not loaded (``str()`` would query)."""
    return any(
        getattr(instance, f.attname) is not None and not f.is_cached(instance)
        for f in instance._meta.concrete_fields
        if f.many_to_one or f.one_to_one
    )


def _describe(instance: models.Model, using: str) -> str:
    """``str(instance)`` when it needs nothing from the database, else «<model> #<pk>» and
    the row's name or title if it has one."""
    if not _unloaded_parent(instance):
        try:
            with connections[using].execute_wrapper(_refuse_queries), portal_language():
                return str(instance)[:200]
        except Exception:
            pass
    text = f"{instance._meta.verbose_name} #{instance.pk}"
    for name in NAME_FIELDS:
        value = instance.__dict__.get(name)
        if isinstance(value, str) and value:
            text = f"{text}: {value}"
            break
    return text[:200]


# --- the body a row belongs to ----------------------------------------------------------


def _body_path(label: str) -> list[str] | None:
    path = BODY_PATHS.get(label)
    return None if path is None else path.split("__")


def _body_from_instance(instance: models.Model, using: str) -> int | None:
    """Follow the path through relations already loaded; query once for the rest."""
    parts = _body_path(instance._meta.label)
    if parts is None:
        return None
    if parts == ["pk"]:
        return instance.pk
    obj = instance
    for index, name in enumerate(parts):
        field = obj._meta.get_field(name)
        if index == len(parts) - 1:
            return getattr(obj, field.attname)
        if not field.is_cached(obj):
            key = getattr(obj, field.attname)
            if key is None:
                return None
            rest = "__".join(parts[index + 1 :])
            related = field.related_model._base_manager.using(using)
            return next(iter(related.filter(pk=key).order_by().values_list(rest, flat=True)), None)
        obj = getattr(obj, name)
        if obj is None:
            return None
    return None


def _safe_body(instance: models.Model, using: str) -> int | None:
    try:
        return _body_from_instance(instance, using)
    except Exception:
        log.warning("audit: no body for %s %s", instance._meta.label, instance.pk, exc_info=True)
        return None


# --- recording -----------------------------------------------------------------------


def _record(instance, using, *, action, before, after, body_id) -> None:
    actor_id, source, address = _who()
    AuditEvent.objects.using(using).create(
        actor_id=actor_id,
        source=source,
        action=action,
        model=instance._meta.label,
        object_id=str(instance.pk),
        object_repr=_describe(instance, using),
        body_id=body_id,
        before=before,
        after=after,
        address=address,
    )


def _with_permission_label(instance, values: dict) -> dict:
    if instance._meta.label in PERMISSION_MODELS and "permission" in values:
        values["permission"] = _permission_label(instance)
    return values


def _before_save(sender, instance, raw=False, using=None, update_fields=None, **kwargs):
    """For an update: read the row as it is in the database (one SELECT by pk)."""
    instance.__dict__.pop("_audit_before", None)
    if instance._state.adding or instance.pk is None:
        return
    try:
        fields = _loaded(instance, _field_names(sender, update_fields))
        selected = [f.attname for f in fields]
        parts = _body_path(sender._meta.label)
        body_lookup = "__".join(parts) if parts and len(parts) > 1 else None
        if body_lookup:
            selected.append(body_lookup)
        rows = sender._base_manager.using(using).filter(pk=instance.pk).order_by()
        row = next(iter(rows.values(*selected)), None)
        if row is None:
            return
        before = {f.name: _jsonable(f, row[f.attname]) for f in fields}
        body_id = row[body_lookup] if body_lookup else _safe_body(instance, using)
        instance.__dict__["_audit_before"] = (fields, before, body_id)
    except Exception:
        log.warning("audit: could not read %s %s", sender._meta.label, instance.pk, exc_info=True)


def _field_names(model, update_fields) -> set[str] | None:
    if update_fields is None:
        return None
    return {model._meta.get_field(name).name for name in update_fields}


def _after_save(sender, instance, created, raw=False, using=None, **kwargs):
    label = sender._meta.label
    prepared = instance.__dict__.pop("_audit_before", None)
    try:
        if created or prepared is None:
            after = _with_permission_label(instance, _snapshot(instance, _loaded(instance)))
            if created:
                action = AuditAction.GRANT if label in PERMISSION_MODELS else AuditAction.CREATE
            else:
                action = AuditAction.UPDATE
            before, body_id = {}, _safe_body(instance, using)
        else:
            fields, old, body_id = prepared
            new = _snapshot(instance, fields)
            changed = [name for name in new if new[name] != old.get(name)]
            if not changed:
                return
            before = _with_permission_label(instance, {n: old.get(n) for n in changed})
            after = _with_permission_label(instance, {n: new[n] for n in changed})
            action = AuditAction.TRANSITION if STATE_FIELD in changed else AuditAction.UPDATE
    except Exception:
        log.warning("audit: could not describe %s %s", label, instance.pk, exc_info=True)
        before, after, body_id = {}, {}, None
        action = AuditAction.CREATE if created else AuditAction.UPDATE
    _record(instance, using, action=action, before=before, after=after, body_id=body_id)


def _after_delete(sender, instance, using=None, **kwargs):
    label = sender._meta.label
    try:
        before = _with_permission_label(instance, _snapshot(instance, _loaded(instance)))
    except Exception:
        log.warning("audit: could not describe %s %s", label, instance.pk, exc_info=True)
        before = {}
    action = AuditAction.REVOKE if label in PERMISSION_MODELS else AuditAction.DELETE
    body_id = _safe_body(instance, using)
    _record(instance, using, action=action, before=before, after={}, body_id=body_id)


def track(label: str, *, body_path: str | None, permission: bool = False) -> None:
    """Record every change to the model ``label`` from now on (idempotent).

    Called by the app that owns the model, from its ``AppConfig.ready()``; ``body_path``
    says how to reach the body a row belongs to, ``permission`` marks guardian's permission
    tables, whose new rows are grants and whose deleted rows are revocations."""
    BODY_PATHS[label] = body_path
    if permission:
        PERMISSION_MODELS.add(label)
    model = apps.get_model(label)
    uid = f"egov_audit:{label}"
    pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
    post_save.connect(_after_save, sender=model, dispatch_uid=uid)
    post_delete.connect(_after_delete, sender=model, dispatch_uid=uid)


def tracked() -> tuple[str, ...]:
    """The labels of every tracked model, in the order the apps registered them."""
    return tuple(BODY_PATHS)
