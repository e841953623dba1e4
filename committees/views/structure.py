"""Public pages of the structure: the home page, its print version and a page per body."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from committees.desk import panels_for
from committees.orgchart import org_chart
from committees.permissions import body_access
from committees.selectors import structure as structure_selectors
from egov_portal.page_cache import public_page
from egov_portal.pdf import pdf_response, render_pdf
from egov_portal.selectors import slogan_for
from egov_portal.services import page_view_record
from egov_portal.text.collation import persian_order
from members.models import Agency
from members.selectors import agency_positions_with_holders

STRUCTURE_PAGE_KEY = "structure"


def _structure_context() -> dict:
    page = structure_selectors.structure_page(on_date=timezone.localdate())
    return {"page": page, "chart": org_chart(page.bodies)}


@require_safe
@public_page(on_every_view=lambda: page_view_record(key=STRUCTURE_PAGE_KEY))
def structure(request):
    context = _structure_context()
    context["views"] = page_view_record(key=STRUCTURE_PAGE_KEY)
    return render(request, "committees/structure.html", context)


@require_safe
def structure_print(request):
    context = _structure_context()
    context["slogan"] = slogan_for(timezone.localdate())  # of the day it is printed
    pdf = render_pdf("committees/pdf/structure.html", context, request=request)
    return pdf_response(pdf, filename="egov-structure")


@require_safe
@public_page
def body_detail(request, pk: int):
    body = get_object_or_404(
        structure_selectors.visible_bodies(request.user).select_related(
            "legal_basis__parent__parent", "parent", "members_selected_by"
        ),
        pk=pk,
    )
    page = structure_selectors.body_page(body=body, on_date=timezone.localdate())
    can_read_records = body_access(request.user, body).reads_records
    return render(
        request,
        "committees/body_detail.html",
        {"page": page, "body": body, "can_read_records": can_read_records},
    )


@require_safe
@public_page
def agency_detail(request, pk: int):
    agency = get_object_or_404(Agency.objects.select_related("parent"), pk=pk)
    today = timezone.localdate()
    context = {
        "agency": agency,
        "positions": agency_positions_with_holders(agency=agency, on_date=today),
        "seats": structure_selectors.agency_seats(agency=agency),
        "children": list(agency.children.order_by(persian_order("name"))),
    }
    return render(request, "committees/agency_detail.html", context)


@login_required
@require_safe
def home(request):
    today = timezone.localdate()
    context = structure_selectors.user_home(user=request.user, on_date=today)
    context["panels"] = panels_for(request.user, today)
    return render(request, "committees/home.html", context)
