"""The signed-in user's own page (/me/) as a desk: what awaits him, whatever his role.

Each part of the desk is a *panel*: a template and its context, or nothing when the user has
no business with it. The committees app provides the meeting panels (the chair's approvals,
the governor's office's view of minutes and meetings); an app above it adds its own (the
directives) by registering a provider in its ``AppConfig.ready()``, so this page needs no
import of the apps above committees.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50


PanelProvider = Callable[[object, datetime.date], "Panel | None"]

_PROVIDERS: list[PanelProvider] = []


def register_panel(provider: PanelProvider) -> PanelProvider:
    """Add a panel provider ``(user, on_date) -> Panel | None`` (idempotent)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def panels_for(user, on_date: datetime.date) -> list[Panel]:
    """The panels this user's desk shows today, in their order."""
    panels = [panel for provider in _PROVIDERS if (panel := provider(user, on_date))]
    return sorted(panels, key=lambda panel: panel.order)
