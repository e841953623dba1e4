"""The register of resolutions (for those who may read them) and the public page of the
resolutions marked public."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from egov_portal.page_cache import public_page
from egov_portal.pagination import KeptCountPaginator, list_key
from egov_portal.sorting import Column, Sorting
from resolutions.forms import RegisterFilterForm
from resolutions.models import DirectiveState
from resolutions.permissions import reads_everything
from resolutions.selectors import register as register_selectors

REGISTER_PER_PAGE = 25
PUBLIC_PER_PAGE = 20


def register_sorting(request) -> Sorting:
    """By the meeting's date (newest first unless asked) or by how far the directives of a
    resolution are behind; resolutions of one meeting stay in abjad order."""
    return Sorting(
        request.GET,
        [
            Column("meeting", "meeting__starts_at", "meeting_id"),
            Column(
                "status",
                *register_selectors.register_status_order(today=timezone.localdate()),
                descending_first=True,
            ),
        ],
        default="-meeting",
        tiebreak=("-meeting__starts_at", "-meeting_id", "order", "pk"),
    )


@login_required
@require_safe
def register(request):
    resolutions = register_selectors.register_resolutions(request.user)
    form = RegisterFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    sorting = register_sorting(request)
    rows = sorting.apply(
        register_selectors.resolution_page_rows(
            register_selectors.filter_resolutions(resolutions, filters)
        )
    )
    page = KeptCountPaginator(
        rows,
        REGISTER_PER_PAGE,
        count_key=list_key("register", request, reads_everything(request.user)),
    ).get_page(request.GET.get("page"))
    page.object_list = register_selectors.attach_status(page.object_list)
    return render(
        request,
        "resolutions/register/register.html",
        {
            "form": form,
            "filters": filters,
            "page_obj": page,
            "search_window": register_selectors.SEARCH_WINDOW,
            "states": DirectiveState,
            "sorting": sorting,
            "sortings": [sorting],
        },
    )


@require_safe
@public_page
def public_resolutions(request):
    rows = register_selectors.resolution_page_rows(register_selectors.public_resolutions())
    page = Paginator(rows, PUBLIC_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = register_selectors.attach_status(page.object_list)
    return render(request, "resolutions/public/resolutions.html", {"page_obj": page})
