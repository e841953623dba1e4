"""On PostgreSQL the database itself writes the audit trail: no write path escapes it.

``egov_audit_row()`` runs ``AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW`` on every audited
table (each app attaches it to its own tables, as ``egov_audit_trigger_sql`` below shows) and
``AFTER TRUNCATE FOR EACH STATEMENT``. Whatever wrote the row — the ORM, ``QuerySet.update()``,
``bulk_create``, raw SQL, psql — it inserts one ``egov_portal_auditevent`` row in the same
transaction, as ``egov_portal.audit.trail`` does in Python on SQLite:

* ``before``/``after``: the changed columns only (all of them for a creation or deletion),
  keyed by field name (``body_id`` → ``body``), without the primary key and the bookkeeping
  columns (``EXCLUDED_FIELDS``); dates as ISO strings, times in UTC as Django's JSON encoder
  writes them; an update that changes nothing records nothing;
* ``action``: create/update/delete, ``transition`` when ``state`` changes, ``grant``/``revoke``
  for a permission or group membership row;
* ``body_id``: found along the table's path (trigger arguments: the column on the row, then
  pairs of table and column), as the Python registry's ``BODY_PATHS`` says;
* who and what: the application sends, in the same statement as the write, transaction-local
  settings: ``egov.actor_id``, ``egov.source``, ``egov.address`` and ``egov.rows`` (the
  readable description, and the body if it knows it, of the rows its ``save()``/``delete()``
  is writing, keyed ``<table>:<pk>``, or ``<table>:`` for a creation). A write with none of
  these — a script, psql — is recorded with source «command», no actor and the description
  «<model> #<pk>: <name or title>».

Group membership (``auth_user_groups``: the governor's office is a group) is tracked here;
guardian's permission rows and the apps' tables are in the apps' own migrations.
"""

from django.conf import settings
from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION egov_audit_values(item jsonb, stamps text[]) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_object_agg(
        CASE WHEN key LIKE '%\_id' THEN left(key, -3) ELSE key END,
        CASE
            WHEN key = ANY (stamps) AND jsonb_typeof(value) = 'string' THEN to_jsonb(
                to_char((value #>> '{}')::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
                || CASE
                    WHEN extract(microseconds FROM (value #>> '{}')::timestamptz)::bigint % 1000000 <> 0
                    THEN to_char((value #>> '{}')::timestamptz AT TIME ZONE 'UTC', '.MS')
                    ELSE ''
                END
                || 'Z')
            ELSE value
        END), '{}'::jsonb)
    FROM jsonb_each(item)
    WHERE NOT key = ANY ('{id,canonical,created_at,last_used_at,last_used_from,search_text,snapshot,updated_at}'::text[])
$$;

CREATE OR REPLACE FUNCTION egov_audit_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    label text := TG_ARGV[0];
    noun text := TG_ARGV[1];
    kind text := TG_ARGV[2];
    steps text[] := TG_ARGV[3:];
    stamps text[];
    old_row jsonb;
    new_row jsonb;
    old_values jsonb := '{}';
    new_values jsonb := '{}';
    before jsonb := '{}';
    after jsonb := '{}';
    act text;
    pk text;
    noted jsonb;
    description text;
    body bigint;
    ref text;
    i int;
    permission text;
    username text;
    grp text;
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN
        INSERT INTO egov_portal_auditevent
            (at, actor_id, source, action, model, object_id, object_repr, body_id, before, after, address)
        VALUES (clock_timestamp(), nullif(current_setting('egov.actor_id', true), '')::integer,
                coalesce(nullif(current_setting('egov.source', true), ''), 'command'),
                CASE kind WHEN 'row' THEN 'delete' ELSE 'revoke' END, label, '*',
                left(noun || ': همه ردیف‌ها (TRUNCATE)', 200), NULL, '{}', '{}',
                nullif(current_setting('egov.address', true), '')::inet);
        RETURN NULL;
    END IF;

    -- The table's timestamptz columns, looked up once per session (the catalog query costs
    -- more than the rest of the trigger). A column added later shows in the session's next
    -- events all the same, as PostgreSQL writes it (+00:00) until the session reconnects.
    stamps := nullif(current_setting('egov.stamps_' || TG_TABLE_NAME, true), '')::text[];
    IF stamps IS NULL THEN
        SELECT coalesce(array_agg(attname::text), '{}') INTO stamps FROM pg_attribute
         WHERE attrelid = TG_RELID AND attnum > 0 AND NOT attisdropped
           AND atttypid = 'timestamptz'::regtype;
        PERFORM set_config('egov.stamps_' || TG_TABLE_NAME, stamps::text, false);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        old_row := to_jsonb(OLD);
        old_values := egov_audit_values(old_row, stamps);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_row := to_jsonb(NEW);
        new_values := egov_audit_values(new_row, stamps);
    END IF;

    IF TG_OP = 'INSERT' THEN
        after := new_values;
        act := CASE kind WHEN 'row' THEN 'create' ELSE 'grant' END;
    ELSIF TG_OP = 'DELETE' THEN
        before := old_values;
        act := CASE kind WHEN 'row' THEN 'delete' ELSE 'revoke' END;
    ELSE
        SELECT coalesce(jsonb_object_agg(o.key, o.value), '{}'),
               coalesce(jsonb_object_agg(o.key, n.value), '{}')
          INTO before, after
          FROM jsonb_each(old_values) o JOIN jsonb_each(new_values) n ON n.key = o.key
         WHERE o.value IS DISTINCT FROM n.value;
        IF before = '{}' THEN
            RETURN NULL;  -- nothing that counts changed
        END IF;
        act := CASE WHEN after ? 'state' THEN 'transition' ELSE 'update' END;
    END IF;

    pk := coalesce(new_row, old_row) ->> 'id';
    noted := nullif(current_setting('egov.rows', true), '')::jsonb;
    noted := coalesce(noted -> (TG_TABLE_NAME || ':' || pk),
                      CASE WHEN TG_OP = 'INSERT' THEN noted -> (TG_TABLE_NAME || ':') END);
    description := noted ->> 'repr';

    IF kind = 'permission' THEN
        SELECT ct.app_label || '.' || p.codename INTO permission
          FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id
         WHERE p.id = (coalesce(new_row, old_row) ->> 'permission_id')::integer;
        IF permission IS NOT NULL THEN
            IF before ? 'permission' THEN before := before || jsonb_build_object('permission', permission); END IF;
            IF after ? 'permission' THEN after := after || jsonb_build_object('permission', permission); END IF;
        END IF;
    ELSIF kind = 'membership' THEN
        SELECT u.username INTO username FROM auth_user u
         WHERE u.id = (coalesce(new_row, old_row) ->> 'user_id')::integer;
        SELECT g.name INTO grp FROM auth_group g
         WHERE g.id = (coalesce(new_row, old_row) ->> 'group_id')::integer;
        IF grp IS NOT NULL THEN
            IF before ? 'group' THEN before := before || jsonb_build_object('group', grp); END IF;
            IF after ? 'group' THEN after := after || jsonb_build_object('group', grp); END IF;
        END IF;
        description := coalesce(username, '#' || (coalesce(new_row, old_row) ->> 'user_id'))
            || ' — ' || coalesce(grp, '#' || (coalesce(new_row, old_row) ->> 'group_id'));
    END IF;

    IF description IS NULL THEN
        description := noun || ' #' || pk || coalesce(': ' || coalesce(
            nullif(coalesce(new_row, old_row) ->> 'name', ''),
            nullif(coalesce(new_row, old_row) ->> 'title', ''),
            nullif(coalesce(new_row, old_row) ->> 'letter_number', '')), '');
    END IF;

    IF noted ? 'body' THEN
        body := (noted ->> 'body')::bigint;
    ELSIF coalesce(array_length(steps, 1), 0) > 0 THEN
        -- an update is filed under the body the row belonged to, as in Python
        ref := coalesce(old_row, new_row) ->> steps[1];
        i := 2;
        WHILE ref IS NOT NULL AND i < array_length(steps, 1) LOOP
            EXECUTE format('SELECT (%I)::text FROM %I WHERE id = $1', steps[i + 1], steps[i])
                INTO ref USING ref::bigint;
            i := i + 2;
        END LOOP;
        body := ref::bigint;
    END IF;

    INSERT INTO egov_portal_auditevent
        (at, actor_id, source, action, model, object_id, object_repr, body_id, before, after, address)
    VALUES (clock_timestamp(), nullif(current_setting('egov.actor_id', true), '')::integer,
            coalesce(nullif(current_setting('egov.source', true), ''), 'command'),
            act, label, pk, left(description, 200), body, before, after,
            nullif(current_setting('egov.address', true), '')::inet);
    RETURN NULL;
END
$$;
"""


def egov_audit_trigger_sql(table: str, arguments: list[str]) -> list[str]:
    """The two triggers that record every write to ``table``: its rows, and TRUNCATE."""
    args = ", ".join("'" + argument.replace("'", "''") + "'" for argument in arguments)
    return [
        f"CREATE TRIGGER {table}_audit AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION egov_audit_row({args});",
        f"CREATE TRIGGER {table}_audit_truncate AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION egov_audit_row({args});",
    ]


def drop_sql(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_audit ON {table};",
        f"DROP TRIGGER IF EXISTS {table}_audit_truncate ON {table};",
    ]


# (table, trigger arguments: label, description noun, kind, then the path to the body)
AUDITED = [
    ("auth_user_groups", ["auth.User_groups", "عضویت در گروه", "membership"]),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table, arguments in AUDITED:
        for sql in egov_audit_trigger_sql(table, arguments):
            schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _arguments in AUDITED:
        for sql in drop_sql(table):
            schema_editor.execute(sql)
    schema_editor.execute("DROP FUNCTION IF EXISTS egov_audit_row();")
    schema_editor.execute("DROP FUNCTION IF EXISTS egov_audit_values(jsonb, text[]);")


class Migration(migrations.Migration):
    dependencies = [
        ("egov_portal", "0009_audit_api_source"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
