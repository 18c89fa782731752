"""Extension point of the case page: other apps add panels without editing portal templates.

The return logistics of issue 5 (pickup booking, the return label / packing slip with its QR
code) registers here from its AppConfig.ready():

    from returndesk.portal.panels import Panel, register_panel
    register_panel(Panel(
        name="logistics.pickup",
        template="logistics/portal/pickup.html",
        applies=lambda case, access: case.status == "awaiting_return" and case.solution == "pickup",
        context=lambda case, access: {"slots": ...},
        order=10,
    ))

The template is rendered inside the case page's "Return shipment" section with `case`, `access`
and what `context` returns. POST views for a panel live in the registering app and wrap
themselves in `returndesk.portal.access.portal_page` and `selectors.portal_case_get`, so the same
object-level checks apply (docs/portal.md, "Extending the case page").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

PANELS: dict[str, Panel] = {}


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    applies: Callable[..., bool]
    context: Callable[..., dict] = field(default=lambda case, access: {})
    order: int = 100


@dataclass(frozen=True)
class Rendered:
    name: str
    template: str
    context: dict


def register_panel(panel: Panel) -> None:
    PANELS[panel.name] = panel


def rendered_for(*, case, access) -> list[Rendered]:
    chosen = sorted((p for p in PANELS.values() if p.applies(case, access)), key=lambda p: (p.order, p.name))
    return [
        Rendered(p.name, p.template, {"case": case, "access": access, **p.context(case, access)})
        for p in chosen
    ]
