"""What PostgreSQL itself refuses, whatever the path — raw SQL, the shell, a stray script:
emptying a frozen or append-only table with TRUNCATE (with or without CASCADE), deleting a
directive, and changing or deleting a directive's history, progress reports and evidence.

The pages, the services and the admin refuse the same on every database
(tests/test_meetings.py, test_directives.py, test_audit.py); these tests go around them.
"""

from __future__ import annotations

import re

import pytest
from django.db import DatabaseError, connection, transaction

from committees.models import MinutesComment, Paper
from members.models import Person
from resolutions.models import Directive
from tests.meeting_helpers import scheduled_meeting

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the triggers exist on PostgreSQL only (CI runs PostgreSQL)",
    ),
]

FROZEN = "approved minutes are frozen"
APPEND_ONLY = "the follow-up record is append-only"

#: every table the database keeps from TRUNCATE, and the reason it gives.
PROTECTED = {
    "egov_portal_auditevent": "the audit trail is append-only",
    "committees_meeting": FROZEN,
    "committees_agendaitem": FROZEN,
    "committees_invitation": FROZEN,
    "committees_guest": FROZEN,
    "committees_minutes": FROZEN,
    "committees_paper": FROZEN,
    "committees_minutesreview": FROZEN,
    "committees_minutescomment": FROZEN,
    "resolutions_resolution": FROZEN,
    "resolutions_resolutionagency": FROZEN,
    "resolutions_directive": "directives are never deleted",
    "resolutions_directiveevent": APPEND_ONLY,
    "resolutions_progressreport": APPEND_ONLY,
    "resolutions_evidence": APPEND_ONLY,
}

#: append-only tables and a column an UPDATE would rewrite.
APPEND_ONLY_COLUMNS = {
    "resolutions_directiveevent": "note",
    "resolutions_progressreport": "narrative",
    "resolutions_evidence": "original_name",
}


def refused(sql: str, params=None) -> str:
    """Run ``sql``, expect the database to refuse it, and return its message."""
    with (
        pytest.raises(DatabaseError) as caught,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
    return str(caught.value)


def fetch(sql: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def row_counts() -> dict[str, int]:
    return {table: fetch(f"SELECT count(*) FROM {table}")[0][0] for table in PROTECTED}


def first_row(table: str) -> tuple:
    return fetch(f"SELECT * FROM {table} ORDER BY id LIMIT 1")[0]


@pytest.fixture
def every_table_has_rows(working_group) -> dict[str, int]:
    """The demo data holds rows in every protected table but papers and comments on
    minutes: add one of each."""
    item = scheduled_meeting(working_group).agenda_items.get()
    Paper.objects.create(
        agenda_item=item,
        file="papers/test.pdf",
        original_name="گزارش.pdf",
        content_type="application/pdf",
        size=4,
        sha256="0" * 64,
    )
    MinutesComment.objects.create(
        minutes=item.meeting.minutes, person=Person.objects.first(), text="نظر"
    )
    # The test's own inserts leave deferred foreign-key checks pending, and PostgreSQL
    # refuses TRUNCATE of a table with pending trigger events: run them now, so that what
    # refuses the TRUNCATE below is the portal's trigger.
    connection.check_constraints()
    counts = row_counts()
    assert all(counts.values()), counts
    return counts


def with_referencing_tables(table: str) -> str:
    """``table`` first, then every table whose foreign keys lead to it: what a TRUNCATE
    without CASCADE must name (as ``manage.py flush`` does) to get past the foreign keys."""
    rows = fetch(
        """
        WITH RECURSIVE referencing(rel) AS (
            SELECT %s::regclass
            UNION
            SELECT c.conrelid::regclass FROM pg_constraint c
            JOIN referencing ON c.confrelid = referencing.rel WHERE c.contype = 'f'
        )
        SELECT rel::text FROM referencing
        """,
        [table],
    )
    return ", ".join([table, *sorted({name for (name,) in rows} - {table})])


@pytest.mark.parametrize("cascade", [False, True], ids=["listed", "cascade"])
@pytest.mark.parametrize(("table", "reason"), PROTECTED.items())
def test_truncate_of_a_protected_table_is_refused(every_table_has_rows, table, reason, cascade):
    statement = (
        f"TRUNCATE {table} CASCADE" if cascade else f"TRUNCATE {with_referencing_tables(table)}"
    )
    message = refused(statement)
    assert f"{reason}: TRUNCATE on {table} refused" in message
    assert row_counts() == every_table_has_rows


@pytest.mark.parametrize("parent", ["committees_body", "members_agency", "auth_user"])
def test_truncate_cascading_from_a_parent_is_refused(every_table_has_rows, parent):
    parent_rows = fetch(f"SELECT count(*) FROM {parent}")[0][0]
    message = refused(f"TRUNCATE {parent} CASCADE")
    assert re.search(r": TRUNCATE on \w+ refused", message), message
    assert row_counts() == every_table_has_rows
    assert fetch(f"SELECT count(*) FROM {parent}")[0][0] == parent_rows


def test_a_directive_is_never_deleted():
    # Refused by the statement itself, not only later by the deferred foreign key of its
    # history (which a script could otherwise delete first).
    directive = Directive.objects.first()
    message = refused("DELETE FROM resolutions_directive WHERE id = %s", [directive.pk])
    assert "directives are never deleted: DELETE on resolutions_directive refused" in message
    assert Directive.objects.filter(pk=directive.pk).exists()


def test_deleting_every_directive_is_refused():
    before = Directive.objects.count()
    message = refused("DELETE FROM resolutions_directive")
    assert "directives are never deleted" in message
    assert Directive.objects.count() == before > 0


@pytest.mark.parametrize(("table", "column"), APPEND_ONLY_COLUMNS.items())
def test_history_reports_and_evidence_are_append_only(table, column):
    row = first_row(table)
    message = refused(f"UPDATE {table} SET {column} = 'دستکاری‌شده' WHERE id = %s", [row[0]])
    assert f"{APPEND_ONLY}: UPDATE on {table} refused" in message
    message = refused(f"DELETE FROM {table} WHERE id = %s", [row[0]])
    assert f"{APPEND_ONLY}: DELETE on {table} refused" in message
    assert first_row(table) == row
