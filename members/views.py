"""The agency directory."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from egov_portal.page_cache import public_page
from egov_portal.sorting import Column, Sorting, choice_rank
from egov_portal.text.collation import persian_order
from members import selectors
from members.models import AgencyKind, Sector

AGENCIES_PER_PAGE = 50


def agency_sorting(request) -> Sorting:
    """Name, kind, sector, status; unsorted, active agencies first, then by name."""
    return Sorting(
        request.GET,
        [
            Column("name", persian_order("name")),
            Column("kind", choice_rank("kind", AgencyKind)),
            Column("sector", choice_rank("sector", Sector)),
            Column("status", "-is_active"),
        ],
        tiebreak=("name", "pk"),
    )


@require_safe
@public_page
def agency_list(request):
    query = request.GET.get("q", "")[:100]
    sorting = agency_sorting(request)
    agencies = sorting.apply(selectors.agency_search(query=query))
    page = Paginator(agencies, AGENCIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/agency_list.html",
        {"page_obj": page, "query": query, "sorting": sorting},
    )
