"""The portal-wide search page (``?q=``): open to everyone, each sees only what he may."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from resolutions.selectors.search import GROUP_LIMIT, MAX_QUERY, portal_search


@require_safe
def search(request):
    query = request.GET.get("q", "")[:MAX_QUERY]
    result = portal_search(user=request.user, query=query)
    return render(
        request,
        "resolutions/search.html",
        {"result": result, "query": result.query, "group_limit": GROUP_LIMIT},
    )
