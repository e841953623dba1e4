"""The audit trail: who created, changed, moved or removed which record, and who was
granted or lost which permission or group membership — with the field values before and
after.

Each app's ``AppConfig.ready()`` registers its models with :func:`track` (the core registers
group membership with :func:`track_group_membership`). Each change writes one
``AuditEvent`` row in the same transaction as the change; who writes it depends on the
database:

* **PostgreSQL**: the database itself. A trigger on every audited table
  (``egov_audit_row()``, egov_portal/migrations/0010_audit_capture and the apps' own
  ``…_audit_capture`` migrations) records every row inserted, updated or deleted and every
  ``TRUNCATE``, whatever issued it: ``save()``, ``QuerySet.update()``, ``bulk_create``, raw
  SQL, psql. The application only tells it what the database cannot know, in
  transaction-local settings sent *in the same statement* as each write to an audited table
  (the connection's cursor puts ``SELECT set_config(…)`` in front of it, so no query is added
  and autocommit writes carry it too): who is acting, from where, and for the rows its own
  ``save()``/``delete()`` is writing, the readable description (``str()``) and, when its
  parents are loaded, the body. A write without the application is recorded with source
  «command», no actor and «<model> #<pk>: <name or title>».
* **SQLite** (development): ``pre_save``, ``post_save``, ``post_delete`` and
  ``m2m_changed`` receivers write the event. ``bulk_create``, ``QuerySet.update`` and raw
  SQL send no signals and are not recorded there.

The receivers are bookkeeping only: no business rules, and they never raise on their own
account (a record whose body cannot be found is stored with ``body_id=None``).

Cost per change on SQLite: one INSERT, plus for an update one SELECT by primary key that
reads the row as it was (and, in the same query, the body it belongs to). Creating a row
whose parent is not already loaded costs one more SELECT to find its body. On PostgreSQL
the trigger's one INSERT per row written, and no query from Python. The description
(``object_repr``) never queries — ``str()`` is tried only when the parents it may name are
loaded, with queries blocked, and falls back to «<model> #<pk>: <name or title>».

Who: ``AuditUserMiddleware`` puts the request in a context variable for the duration of
the request (the user is read lazily, only when an audited table is written); outside a
request — management commands, the shell, tests calling services — events carry
``actor=None`` and ``source="command"``. Background work may say who it acts for with
``acting_as``.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import jdatetime
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils.translation import gettext_lazy as _

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
#: user ↔ group tables (the governor's office is a group): grants and revocations too.
MEMBERSHIP_MODELS: set[str] = set()
#: names for the audit page of models whose own verbose name is Django's English default.
NAMES: dict[str, Any] = {}
#: the database tables of the tracked models.
TABLES: set[str] = set()
#: derived or bookkeeping columns that say nothing about the change (an API key's last use
#: is its own ``api_call`` event; ``version`` counts edits, ``egov_portal.versioning``).
#: The trigger on PostgreSQL leaves out the same columns.
EXCLUDED_FIELDS = frozenset(
    {"search_text", "canonical", "snapshot", "created_at", "updated_at", "version"}
    | {"last_used_at", "last_used_from"}
)
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
            _forget_all()


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


def _readable(instance: models.Model, using: str) -> str | None:
    """``str(instance)`` if it needs nothing from the database."""
    if _unloaded_parent(instance):
        return None
    try:
        with connections[using].execute_wrapper(_refuse_queries), portal_language():
            return str(instance)[:200]
    except Exception:
        return None


def _describe(instance: models.Model, using: str) -> str:
    """``str(instance)`` when it needs nothing from the database, else «<model> #<pk>» and
    the row's name or title if it has one (the trigger's description on PostgreSQL)."""
    text = _readable(instance, using)
    if text is not None:
        return text
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


def _body_if_loaded(instance: models.Model) -> tuple[bool, int | None]:
    """(True, the body) when the loaded relations lead to it or say there is none, or the
    path cannot be followed; (False, None) when finding it would need a query."""
    parts = _body_path(instance._meta.label)
    if parts is None:
        return False, None
    try:
        if parts == ["pk"]:
            return instance.pk is not None, instance.pk
        obj = instance
        for index, name in enumerate(parts):
            field = obj._meta.get_field(name)
            if index == len(parts) - 1:
                return True, getattr(obj, field.attname)
            if not field.is_cached(obj):
                return getattr(obj, field.attname) is None, None
            obj = getattr(obj, name)
            if obj is None:
                return True, None
    except Exception:
        log.warning("audit: no body for %s %s", instance._meta.label, instance.pk, exc_info=True)
        return True, None
    return True, None


# --- recording -----------------------------------------------------------------------


def _write_event(using, *, model, object_id, object_repr, action, before, after, body_id):
    actor_id, source, address = _who()
    AuditEvent.objects.using(using).create(
        actor_id=actor_id,
        source=source,
        action=action,
        model=model,
        object_id=str(object_id),
        object_repr=object_repr[:200],
        body_id=body_id,
        before=before,
        after=after,
        address=address,
    )


def _record(instance, using, *, action, before, after, body_id) -> None:
    _write_event(
        using,
        model=instance._meta.label,
        object_id=instance.pk,
        object_repr=_describe(instance, using),
        action=action,
        before=before,
        after=after,
        body_id=body_id,
    )


def _with_permission_label(instance, values: dict) -> dict:
    if instance._meta.label in PERMISSION_MODELS and "permission" in values:
        values["permission"] = _permission_label(instance)
    return values


def _before_save(sender, instance, raw=False, using=None, update_fields=None, **kwargs):
    """For an update: read the row as it is in the database (one SELECT by pk). On
    PostgreSQL: tell the trigger how to describe the row."""
    instance.__dict__.pop("_audit_before", None)
    creating = instance._state.adding or instance.pk is None
    if _in_database(using):
        _note(instance, using, creating=creating, with_body=creating)
        return
    if creating:
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
    if _in_database(using):
        _forget(instance, using)
        return
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


def _before_delete(sender, instance, using=None, **kwargs):
    if _in_database(using):
        _note(instance, using, creating=False, with_body=True)


def _after_delete(sender, instance, using=None, **kwargs):
    if _in_database(using):
        _forget(instance, using)
        return
    label = sender._meta.label
    try:
        before = _with_permission_label(instance, _snapshot(instance, _loaded(instance)))
    except Exception:
        log.warning("audit: could not describe %s %s", label, instance.pk, exc_info=True)
        before = {}
    action = AuditAction.REVOKE if label in PERMISSION_MODELS else AuditAction.DELETE
    body_id = _safe_body(instance, using)
    _record(instance, using, action=action, before=before, after={}, body_id=body_id)


# --- group membership (SQLite; the trigger on PostgreSQL) ------------------------------------

_GONE = "_audit_memberships_gone"


def _memberships(through, instance, reverse: bool, pk_set, using) -> list[tuple]:
    """(row id, user id, user name, group name) of the user ↔ group rows concerned."""
    rows = through._base_manager.using(using).order_by("pk")
    rows = rows.filter(group_id=instance.pk) if reverse else rows.filter(user_id=instance.pk)
    if pk_set is not None:
        if not pk_set:
            return []
        rows = rows.filter(**{"user_id__in" if reverse else "group_id__in": pk_set})
    return list(rows.values_list("pk", "user_id", "user__username", "group__name"))


def _membership_changed(sender, instance, action, reverse, model, pk_set, using, **kwargs):
    """``user.groups.add(group)``, ``group.user_set.remove(user)``, ``clear()`` … as grants
    and revocations, described «<user name> — <group>» like the trigger does."""
    if _in_database(using):
        return
    try:
        if action in ("pre_remove", "pre_clear"):
            instance.__dict__[_GONE] = _memberships(sender, instance, reverse, pk_set, using)
            return
        if action == "post_add":
            rows, verb = _memberships(sender, instance, reverse, pk_set, using), AuditAction.GRANT
        elif action in ("post_remove", "post_clear"):
            rows, verb = instance.__dict__.pop(_GONE, []), AuditAction.REVOKE
        else:
            return
    except Exception:
        log.warning("audit: could not read the memberships of %s", instance, exc_info=True)
        return
    for pk, user_id, username, group in rows:
        values = {"user": user_id, "group": group}
        _write_event(
            using,
            model=sender._meta.label,
            object_id=pk,
            object_repr=f"{username} — {group}",
            action=verb,
            before=values if verb == AuditAction.REVOKE else {},
            after=values if verb == AuditAction.GRANT else {},
            body_id=None,
        )


# --- PostgreSQL: what the trigger cannot know, sent with each write -----------------------

#: a statement that may write an audited table: INSERT/UPDATE/DELETE (with the table it
#: writes), or one whose table is not that easy to tell.
_WRITE = re.compile(
    r"\s*(?:(insert\s+into|update|delete\s+from)\s+(?:only\s+)?"
    r'(?:"?\w+"?\.)?"?(\w+)"?|with\b|merge\b|truncate\b|copy\b)',
    re.IGNORECASE,
)
_CONTEXT_SQL = (
    "SELECT set_config('egov.actor_id', %s, true), set_config('egov.source', %s, true), "
    "set_config('egov.address', %s, true), set_config('egov.rows', %s, true); "
)


def _in_database(using) -> bool:
    return connections[using or "default"].vendor == "postgresql"


def _pending(connection) -> dict[str, dict]:
    """What the application's own writes tell the trigger: ``<table>:<pk>`` (``<table>:``
    for a row being created) → its description and, if known, its body."""
    rows = connection.__dict__.get("_egov_audit_rows")
    if rows is None:
        rows = connection.__dict__["_egov_audit_rows"] = {}
    return rows


def _note(instance, using, *, creating: bool, with_body: bool) -> None:
    entry: dict[str, Any] = {}
    text = _readable(instance, using)
    if text is not None:
        entry["repr"] = text
    if with_body:
        known, body_id = _body_if_loaded(instance)
        if known:
            entry["body"] = body_id
    key = f"{instance._meta.db_table}:{'' if creating else instance.pk}"
    rows = _pending(connections[using])
    if entry:
        rows[key] = entry
    else:
        rows.pop(key, None)


def _forget(instance, using) -> None:
    rows = _pending(connections[using])
    rows.pop(f"{instance._meta.db_table}:{instance.pk}", None)
    rows.pop(f"{instance._meta.db_table}:", None)


def _forget_all() -> None:
    for connection in connections.all(initialized_only=True):
        connection.__dict__.pop("_egov_audit_rows", None)


def _prefix(connection, cursor, sql) -> tuple[str, str | None]:
    """The ``SELECT set_config(…);`` that goes in front of ``sql`` if it may write an audited
    table ('' if not), and the table it inserts into."""
    match = _WRITE.match(sql) if isinstance(sql, str) and cursor.name is None else None
    if match is None:
        return "", None
    verb, table = match.group(1), (match.group(2) or "").lower()
    if verb and table not in TABLES:
        return "", None
    actor_id, source, address = _who()
    values = [
        "" if actor_id is None else str(actor_id),
        str(source),
        address or "",
        json.dumps(_pending(connection), ensure_ascii=False, cls=DjangoJSONEncoder),
    ]
    creating = table if verb and verb[:6].lower() == "insert" else None
    return cursor.mogrify(_CONTEXT_SQL, values).decode(), creating


def _audit_cursor(connection):
    """psycopg2's cursor class, sending the context in front of each write to an audited
    table: in the same round trip (psycopg2 returns the last statement's result) and so in
    the same transaction, autocommit too. Django's execute wrappers see the statement as
    written; its query log shows it with the prefix, as one query."""
    import psycopg2.extensions

    class AuditCursor(psycopg2.extensions.cursor):
        def execute(self, query, vars=None):
            prefix, creating = _prefix(connection, self, query)
            if prefix and vars is not None:
                prefix = prefix.replace("%", "%%")
            try:
                return super().execute(prefix + query if prefix else query, vars)
            finally:
                if creating:  # the row its save() noted is written
                    _pending(connection).pop(f"{creating}:", None)

        def executemany(self, query, vars_list):
            prefix, creating = _prefix(connection, self, query)
            try:
                return super().executemany(
                    prefix.replace("%", "%%") + query if prefix else query, vars_list
                )
            finally:
                if creating:
                    _pending(connection).pop(f"{creating}:", None)

    return AuditCursor


def _install(sender=None, *, connection, **kwargs) -> None:
    if connection.vendor != "postgresql" or connection.connection is None:
        return
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    if is_psycopg3:
        raise ImproperlyConfigured(
            "The audit trail sends its context in front of each write, which needs psycopg2 "
            "(psycopg 3 would return the first statement's result): see requirements.txt."
        )
    connection.connection.cursor_factory = _audit_cursor(connection)


connection_created.connect(_install, dispatch_uid="egov_audit_context")
for _connection in connections.all(initialized_only=True):
    _install(connection=_connection)


# --- registering ------------------------------------------------------------------------


def track(label: str, *, body_path: str | None, permission: bool = False) -> None:
    """Record every change to the model ``label`` from now on (idempotent).

    Called by the app that owns the model, from its ``AppConfig.ready()``; ``body_path``
    says how to reach the body a row belongs to, ``permission`` marks guardian's permission
    tables, whose new rows are grants and whose deleted rows are revocations. On PostgreSQL
    the model's table needs the capture trigger too (``trigger_arguments``)."""
    BODY_PATHS[label] = body_path
    if permission:
        PERMISSION_MODELS.add(label)
    model = apps.get_model(label)
    TABLES.add(model._meta.db_table)
    uid = f"egov_audit:{label}"
    pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
    post_save.connect(_after_save, sender=model, dispatch_uid=uid)
    pre_delete.connect(_before_delete, sender=model, dispatch_uid=uid)
    post_delete.connect(_after_delete, sender=model, dispatch_uid=uid)


def track_group_membership() -> None:
    """Record users joining and leaving groups (the governor's office is one): grants and
    revocations of «<user name> — <group>», with the group by name."""
    through = apps.get_model("auth", "User").groups.through
    label = through._meta.label
    track(label, body_path=None)
    MEMBERSHIP_MODELS.add(label)
    NAMES[label] = _("عضویت در گروه")
    m2m_changed.connect(_membership_changed, sender=through, dispatch_uid=f"egov_audit:{label}")


def tracked() -> tuple[str, ...]:
    """The labels of every tracked model, in the order the apps registered them."""
    return tuple(BODY_PATHS)


def model_name(label: str) -> str:
    """The model's name for people: its verbose name, or the one given here."""
    if label in NAMES:
        return str(NAMES[label])
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def trigger_arguments(label: str) -> list[str]:
    """The arguments ``egov_audit_row()`` needs on the model's table (what its migration
    installs): the label, the noun of a description, the kind, then the path to the body —
    the column on the row, then pairs of the table it points to and the next column."""
    model = apps.get_model(label)
    kind = "row"
    if label in PERMISSION_MODELS:
        kind = "permission"
    elif label in MEMBERSHIP_MODELS:
        kind = "membership"
    with portal_language():
        arguments = [label, model_name(label), kind]
    path = BODY_PATHS[label]
    if path == "pk":
        arguments.append(model._meta.pk.column)
    elif path:
        opts = model._meta
        for index, name in enumerate(path.split("__")):
            field = opts.get_field(name)
            if index:
                arguments.append(opts.db_table)
            arguments.append(field.column)
            opts = field.related_model._meta if field.is_relation else None
    return arguments
