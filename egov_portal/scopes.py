"""What the core asks of the apps above it, answered by them at start-up.

Two-factor sign-in and the audit trail's page need to know which bodies a user runs the
secretariat of; bodies belong to ``committees``, which sits above the core and may not be
imported from here. ``CommitteesConfig.ready()`` provides the answer instead.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

SecretariatLookup = Callable[[object], QuerySet]

_secretariat_body_ids: SecretariatLookup | None = None


def provide_secretariat_body_ids(lookup: SecretariatLookup) -> None:
    """Called once by the committees app: ``lookup(user)`` gives the ids (a ``values("pk")``
    queryset) of the bodies whose secretariat the user is on."""
    global _secretariat_body_ids
    _secretariat_body_ids = lookup


def secretariat_body_ids(user) -> QuerySet:
    """The ids of the bodies whose secretariat ``user`` is on (himself or through a group)."""
    if _secretariat_body_ids is None:
        raise ImproperlyConfigured("No app provides the secretariat lookup (committees).")
    return _secretariat_body_ids(user)
