"""The agency directory."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from members import selectors

AGENCIES_PER_PAGE = 50


@require_safe
def agency_list(request):
    query = request.GET.get("q", "")[:100]
    agencies = selectors.agency_search(query=query)
    page = Paginator(agencies, AGENCIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "members/agency_list.html", {"page_obj": page, "query": query})
