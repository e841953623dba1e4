"""Who sees and acts on which directive.

An agency's IT manager sees and acts on his agency's directives only; the secretariat of the
issuing body follows them up; the body's chair reads them (escalations reach him); the
governor's office and administrators read everything. Anyone else gets 404 — in every
view and export — so a directive's existence does not leak.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from committees.permissions import reads_every_body, secretariat_body_ids
from committees.selectors.structure import chaired_body_ids
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


def visible_directives(user) -> QuerySet[Directive]:
    """The directives ``user`` may read (use it for every list and export)."""
    qs = Directive.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if reads_everything(user):
        return qs
    return qs.filter(
        Q(agency_id__in=managed_agency_ids(user))
        | Q(body_id__in=secretariat_body_ids(user))
        | Q(body_id__in=chaired_body_ids(user))
    )


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
