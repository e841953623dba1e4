"""Who sees and acts on which directive.

An agency's IT manager sees and acts on his agency's directives only; the secretariat of the
issuing body follows them up; the body's chair reads them (escalations reach him); the
governor's office and administrators read everything. Anyone else gets 404 — in every
view and export — so a directive's existence does not leak.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from committees.models import Body
from committees.permissions import reads_every_body, secretariat_body_ids
from committees.selectors.structure import chaired_body_ids
from egov_portal.memo import per_user
from egov_portal.page_cache import kept
from members.models import Agency
from resolutions.models import Directive


@dataclass(frozen=True)
class DirectiveAccess:
    agency_manager: bool = False  # the addressed agency's IT manager: acknowledges, reports
    secretariat: bool = False  # the issuing body's secretariat: verifies, returns, cancels
    reads_all: bool = False

    @property
    def reads(self) -> bool:
        return self.agency_manager or self.secretariat or self.reads_all


def reads_everything(user) -> bool:
    """Who reads every body (``committees.permissions.reads_every_body``), and whoever was
    given every directive to read."""
    return reads_every_body(user) or (
        user.is_authenticated and user.has_perm("resolutions.view_all_directives")
    )


def managed_agency_ids(user) -> QuerySet:
    return get_objects_for_user(
        user, "members.manage_agency_directives", klass=Agency, accept_global_perms=False
    ).values("pk")


def directive_scope(user) -> tuple[list[int], list[int]]:
    """The agencies whose directives ``user`` manages, and the bodies whose directives he
    follows (secretariat) or reads (chair), as two lists of ids.

    Resolved to plain ids once per request and kept per user between requests (until a
    right, a seat or a group changes: egov_portal.page_cache.kept), so that every list of
    directives filters with ``agency_id IN (…) OR body_id IN (…)``, which PostgreSQL
    answers from the two indexes however many years of directives there are, instead of
    the permission subqueries it would run against every row.
    """

    def compute():
        # One query for both rights: the agencies he manages (0) and the bodies whose
        # secretariat he is on (1).
        managed = (
            Agency.objects.filter(pk__in=managed_agency_ids(user))
            .order_by()
            .annotate(right=Value(0))
            .values_list("pk", "right")
        )
        secretariat = (
            Body.objects.filter(pk__in=secretariat_body_ids(user))
            .order_by()
            .annotate(right=Value(1))
            .values_list("pk", "right")
        )
        rows = list(managed.union(secretariat, all=True))
        agencies = sorted(pk for pk, kind in rows if kind == 0)
        bodies = sorted({pk for pk, kind in rows if kind == 1} | set(chaired_body_ids(user)))
        return agencies, bodies

    return per_user(
        user,
        "directive_scope",
        lambda: kept(
            ("directive-scope", user.pk, timezone.localdate().isoformat()),
            compute,
            seconds=settings.USER_SCOPE_CACHE_SECONDS,
        ),
    )


def visible_directives(user) -> QuerySet[Directive]:
    """The directives ``user`` may read (use it for every list and export)."""
    qs = Directive.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if reads_everything(user):
        return qs
    agencies, bodies = directive_scope(user)
    if not agencies and not bodies:
        return qs.none()
    return qs.filter(Q(agency_id__in=agencies) | Q(body_id__in=bodies))


def directive_access(user, directive: Directive) -> DirectiveAccess:
    if not user.is_authenticated:
        return DirectiveAccess()
    if user.is_superuser:
        return DirectiveAccess(agency_manager=True, secretariat=True, reads_all=True)
    manages_agency = user.has_perm("members.manage_agency_directives", directive.agency)
    secretariat = user.has_perm("committees.manage_body", directive.body)
    reads_all = reads_everything(user) or directive.body_id in chaired_body_ids(user)
    return DirectiveAccess(
        agency_manager=manages_agency, secretariat=secretariat, reads_all=reads_all
    )


def directive_for_user(user, pk: int, *, queryset=None) -> tuple[Directive, DirectiveAccess]:
    """The directive ``pk`` with the user's access, or 404 if he may not read it."""
    qs = (
        queryset
        if queryset is not None
        else Directive.objects.select_related("agency", "body", "resolution__meeting__body")
    )
    directive = qs.filter(pk=pk).first()
    if directive is None:
        raise Http404
    access = directive_access(user, directive)
    if not access.reads:
        raise Http404
    return directive, access
