"""The audit trail page: administrators read every event, a body's secretariat the events of
its own bodies; nobody edits anything here (the rows are append-only)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.shortcuts import render
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from egov_portal.audit.trail import model_name, tracked
from egov_portal.forms import JalaliDateField, StyledFormMixin
from egov_portal.models import AuditAction, AuditEvent
from egov_portal.scopes import secretariat_body_ids
from egov_portal.sorting import Column, Sorting, choice_rank
from egov_portal.text.i18n import digits
from egov_portal.text.jalali import display_datetime, display_short

PER_PAGE = 50
MAX_TEXT = 150


class AuditFilterForm(StyledFormMixin, forms.Form):
    model = forms.ChoiceField(label=gettext_lazy("نوع رکورد"), required=False)
    action = forms.ChoiceField(label=gettext_lazy("عمل"), required=False)
    actor = forms.CharField(label=gettext_lazy("کاربر"), required=False, max_length=150)
    object_id = forms.CharField(label=gettext_lazy("شناسه رکورد"), required=False, max_length=64)
    date_from = JalaliDateField(label=gettext_lazy("از تاریخ"), required=False)
    date_to = JalaliDateField(label=gettext_lazy("تا تاریخ"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [
            ("", _("همه رکوردها")),
            *sorted(((label, model_name(label)) for label in tracked()), key=lambda c: c[1]),
        ]
        self.fields["action"].choices = [("", _("همه اعمال")), *AuditAction.choices]
        self.fields["actor"].widget.attrs.update(placeholder=_("نام کاربری یا نام"))

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("پایان دوره پیش از آغاز آن است."))
        return data

    def apply(self, events: QuerySet) -> QuerySet:
        """The events narrowed by every valid filter (an invalid one shows its error)."""
        if not self.is_bound:
            return events
        self.is_valid()
        data = self.cleaned_data
        if data.get("model"):
            events = events.filter(model=data["model"])
        if data.get("action"):
            events = events.filter(action=data["action"])
        if actor := (data.get("actor") or "").strip():
            events = events.filter(
                Q(actor__username__iexact=actor)
                | Q(actor__first_name__icontains=actor)
                | Q(actor__last_name__icontains=actor)
            )
        if object_id := (data.get("object_id") or "").strip():
            events = events.filter(object_id=object_id)
        if data.get("date_from"):
            events = events.filter(at__date__gte=data["date_from"].togregorian())
        if data.get("date_to"):
            events = events.filter(at__date__lte=data["date_to"].togregorian())
        return events


def visible_events(user) -> QuerySet | None:
    """Every event for an administrator; a secretariat's bodies' events; else None."""
    if user.is_superuser:
        return AuditEvent.objects.all()
    body_ids = [row["pk"] for row in secretariat_body_ids(user)]
    if not body_ids:
        return None
    return AuditEvent.objects.filter(body_id__in=body_ids)


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def _display(field, value) -> str:
    """A stored value in words: choices by label, dates in Jalali, links by id."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("بله") if value else _("خیر")
    if field is not None:
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if field.get_internal_type() == "DateTimeField" and isinstance(value, str):
            moment = parse_datetime(value)
            return display_datetime(moment) if moment else value
        if field.get_internal_type() == "DateField" and isinstance(value, str):
            day = parse_date(value)
            return display_short(day) if day else value
        if field.is_relation and isinstance(value, int):
            return f"#{digits(value)}"
    if isinstance(value, int | float):
        return digits(value)
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def changes(event: AuditEvent) -> list[Change]:
    """The fields of an event, each with its value before and after (no queries)."""
    try:
        opts = apps.get_model(event.model)._meta
    except (LookupError, ValueError):
        opts = None
    before, after = event.before or {}, event.after or {}
    rows = []
    for name in dict.fromkeys([*before, *after]):
        try:
            field = opts.get_field(name) if opts else None
        except FieldDoesNotExist:
            field = None
        label = str(field.verbose_name) if field is not None else name
        rows.append(
            Change(
                label=label,
                before=_display(field, before.get(name)) if name in before else "",
                after=_display(field, after.get(name)) if name in after else "",
            )
        )
    return rows


def audit_sorting(request) -> Sorting:
    """Time (newest first unless asked), user, action, record."""
    return Sorting(
        request.GET,
        [
            Column("at", "at", "pk"),
            Column("actor", F("actor__username").asc(nulls_last=True)),
            Column("action", choice_rank("action", AuditAction)),
            Column("record", "object_repr"),
        ],
        default="-at",
        tiebreak=("-at", "-pk"),
    )


@login_required
@require_safe
def audit_list(request):
    events = visible_events(request.user)
    if events is None:
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    sorting = audit_sorting(request)
    events = sorting.apply(form.apply(events).select_related("actor"))
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {"event": event, "model_name": model_name(event.model), "changes": changes(event)}
        for event in page.object_list
    ]
    return render(
        request,
        "egov_portal/audit_list.html",
        {"form": form, "page_obj": page, "rows": rows, "sorting": sorting},
    )
