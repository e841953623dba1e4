"""On PostgreSQL the database itself refuses any change to approved minutes.

``egov_refuse_if_minutes_approved(column, parent_table)`` finds the meeting a row belongs
to — through ``column`` directly (``meeting_id``) or through ``parent_table`` — and raises
a check violation when that meeting's minutes are approved. The meeting row itself may not
be updated or deleted once approved. Later apps attach the same function to their tables.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION egov_refuse_if_minutes_approved() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    col text := TG_ARGV[0];
    parent text := TG_ARGV[1];
    refs bigint[] := ARRAY[]::bigint[];
    ref bigint;
    meeting bigint;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        refs := refs || (to_jsonb(OLD) ->> col)::bigint;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        refs := refs || (to_jsonb(NEW) ->> col)::bigint;
    END IF;
    FOREACH ref IN ARRAY refs LOOP
        CONTINUE WHEN ref IS NULL;
        IF parent = '' THEN
            meeting := ref;
        ELSE
            EXECUTE format('SELECT meeting_id FROM %I WHERE id = $1', parent) INTO meeting USING ref;
        END IF;
        IF EXISTS (SELECT 1 FROM committees_meeting WHERE id = meeting AND state = 'approved') THEN
            RAISE EXCEPTION 'approved minutes are frozen: % on % refused', TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'check_violation';
        END IF;
    END LOOP;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION egov_refuse_approved_meeting_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'approved minutes are frozen: % on meeting % refused', TG_OP, OLD.id
        USING ERRCODE = 'check_violation';
END
$$;

CREATE TRIGGER meeting_frozen BEFORE UPDATE OR DELETE ON committees_meeting
    FOR EACH ROW WHEN (OLD.state = 'approved') EXECUTE FUNCTION egov_refuse_approved_meeting_change();
"""

# (table, column that leads to the meeting, table that column points to or '')
CHILDREN = [
    ("committees_agendaitem", "meeting_id", ""),
    ("committees_invitation", "meeting_id", ""),
    ("committees_guest", "meeting_id", ""),
    ("committees_minutes", "meeting_id", ""),
    ("committees_paper", "agenda_item_id", "committees_agendaitem"),
    ("committees_minutesreview", "minutes_id", "committees_minutes"),
]


def trigger_sql(table: str, column: str, parent: str) -> str:
    return (
        f"CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION egov_refuse_if_minutes_approved('{column}', '{parent}');"
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table, column, parent in CHILDREN:
        schema_editor.execute(trigger_sql(table, column, parent))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _column, _parent in CHILDREN:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table};")
    schema_editor.execute("DROP TRIGGER IF EXISTS meeting_frozen ON committees_meeting;")
    schema_editor.execute("DROP FUNCTION IF EXISTS egov_refuse_approved_meeting_change();")
    schema_editor.execute("DROP FUNCTION IF EXISTS egov_refuse_if_minutes_approved();")


class Migration(migrations.Migration):
    dependencies = [("committees", "0003_meetings")]
    operations = [migrations.RunPython(forwards, backwards)]
