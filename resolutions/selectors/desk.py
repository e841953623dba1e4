"""The directives' panel of the user's desk (/me/): what awaits him in the follow-up.

An agency's IT manager sees what to acknowledge, what came back for completion and what is
overdue; the secretariat sees the reports waiting for its verification; whoever reads the
follow-up of bodies (the governor's office, a chair, a secretariat) sees the overdue
directives by body and agency, with links to the lists that explain them."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q

from committees.desk import Panel, register_panel
from resolutions.models import DirectiveState, overdue_q
from resolutions.permissions import managed_agency_ids, visible_directives

OVERDUE_ROWS = 12


@register_panel
def directives_panel(user, on_date: datetime.date) -> Panel | None:
    if not user.is_authenticated:
        return None
    visible = visible_directives(user)
    counts = visible.aggregate(
        total=Count("pk"),
        to_acknowledge=Count("pk", filter=Q(state=DirectiveState.ISSUED)),
        returned=Count("pk", filter=Q(state=DirectiveState.RETURNED)),
        to_verify=Count("pk", filter=Q(state=DirectiveState.REPORTED_DONE)),
        overdue=Count("pk", filter=overdue_q(on_date)),
    )
    if not counts["total"]:
        return None
    agency_manager = managed_agency_ids(user).exists()
    overdue_rows = []
    if counts["overdue"] and not agency_manager:
        overdue_rows = list(
            visible.overdue_on(on_date)
            .order_by()
            .values("body_id", "body__name", "agency_id", "agency__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "body__name", "agency__name")[:OVERDUE_ROWS]
        )
    return Panel(
        "resolutions/desk/directives.html",
        {"counts": counts, "agency_manager": agency_manager, "overdue_rows": overdue_rows},
        order=30,
    )
