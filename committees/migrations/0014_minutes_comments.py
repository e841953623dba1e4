"""Several comments per attendee on the draft minutes, each on the whole draft, one agenda
item or one resolution, which the secretariat marks handled.

The single ``MinutesReview.comment`` of each attendee becomes a ``MinutesComment`` on the
whole draft (written when he answered), then the column goes. On PostgreSQL the new table
gets what the other tables of the minutes have: the freeze of approved minutes (0004), the
refusal of TRUNCATE (0007) and the audit capture (0010); the rows are copied first, so the
comments of minutes approved before are kept too.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import egov_portal.validators

TABLE = "committees_minutescomment"
AUDIT = [
    "committees.MinutesComment",
    "نظر درباره صورتجلسه",
    "row",
    "minutes_id",
    "committees_minutes",
    "meeting_id",
    "committees_meeting",
    "body_id",
]


def comments_from_reviews(apps, schema_editor):
    MinutesReview = apps.get_model("committees", "MinutesReview")
    MinutesComment = apps.get_model("committees", "MinutesComment")
    rows = [
        MinutesComment(
            minutes_id=review.minutes_id,
            person_id=review.person_id,
            text=review.comment.strip(),
            created_at=review.updated_at,
            updated_at=review.updated_at,
        )
        for review in MinutesReview.objects.exclude(comment="").order_by("pk")
        if review.comment.strip()
    ]
    MinutesComment.objects.bulk_create(rows)
    # auto_now_add/auto_now overwrite the times on insert: put back when each was written.
    for row in rows:
        MinutesComment.objects.filter(pk=row.pk).update(
            created_at=row.updated_at, updated_at=row.updated_at
        )


def reviews_from_comments(apps, schema_editor):
    """Back: each attendee's comments, joined, into his single review comment."""
    MinutesReview = apps.get_model("committees", "MinutesReview")
    MinutesComment = apps.get_model("committees", "MinutesComment")
    for review in MinutesReview.objects.all():
        texts = MinutesComment.objects.filter(
            minutes_id=review.minutes_id, person_id=review.person_id
        ).values_list("text", flat=True)
        if texts:
            MinutesReview.objects.filter(pk=review.pk).update(comment="\n\n".join(texts))


def triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    args = ", ".join("'" + argument.replace("'", "''") + "'" for argument in AUDIT)
    for sql in [
        f"CREATE TRIGGER {TABLE}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION "
        "egov_refuse_if_minutes_approved('minutes_id', 'committees_minutes');",
        f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} FOR EACH STATEMENT "
        "EXECUTE FUNCTION egov_refuse_change('approved minutes are frozen');",
        f"CREATE TRIGGER {TABLE}_audit AFTER INSERT OR UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION egov_audit_row({args});",
        f"CREATE TRIGGER {TABLE}_audit_truncate AFTER TRUNCATE ON {TABLE} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION egov_audit_row({args});",
    ]:
        schema_editor.execute(sql, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in ("frozen", "no_truncate", "audit", "audit_truncate"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{name} ON {TABLE};")


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0013_recompute_search_text"),
        ("members", "0007_recompute_search_text"),
        ("resolutions", "0009_closure_moved_to_committees"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MinutesComment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="زمان ایجاد")),
                (
                    "updated_at",
                    models.DateTimeField(auto_now=True, verbose_name="زمان آخرین ویرایش"),
                ),
                (
                    "text",
                    models.TextField(
                        validators=[egov_portal.validators.validate_no_bidi_controls],
                        verbose_name="متن نظر",
                    ),
                ),
                (
                    "handled_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="زمان رسیدگی"),
                ),
                (
                    "agenda_item",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="review_comments",
                        to="committees.agendaitem",
                        verbose_name="دستور جلسه",
                    ),
                ),
                (
                    "handled_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="رسیدگی\u200cکننده",
                    ),
                ),
                (
                    "minutes",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="comments",
                        to="committees.minutes",
                        verbose_name="صورتجلسه",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="members.person",
                        verbose_name="شخص",
                    ),
                ),
                (
                    "resolution",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="review_comments",
                        to="resolutions.resolution",
                        verbose_name="مصوبه",
                    ),
                ),
            ],
            options={
                "verbose_name": "نظر درباره صورتجلسه",
                "verbose_name_plural": "نظرها درباره صورتجلسه",
                "ordering": ["minutes", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("agenda_item__isnull", True),
                            ("resolution__isnull", True),
                            _connector="OR",
                        ),
                        name="minutes_comment_one_target",
                        violation_error_message="نظر یا درباره یک دستور است یا درباره یک مصوبه.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("handled_at__isnull", True), ("handled_by__isnull", True)),
                            models.Q(("handled_at__isnull", False), ("handled_by__isnull", False)),
                            _connector="OR",
                        ),
                        name="minutes_comment_handled_by_whom",
                    ),
                ],
            },
        ),
        migrations.RunPython(comments_from_reviews, reviews_from_comments),
        migrations.RunPython(triggers, drop_triggers),
        migrations.RemoveField(model_name="minutesreview", name="comment"),
    ]
