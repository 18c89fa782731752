"""The case page's extension point for return logistics (issue 5: pickup booking, the return
label with its QR code): a registered panel appears in the "Return shipment" section when it
applies, with the case and its own context, and nowhere else."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from returndesk.cases import services as cs
from returndesk.cases.tests.helpers import pickup_inputs
from returndesk.portal import panels

pytestmark = pytest.mark.django_db

TEMPLATES = [
    {
        **settings.TEMPLATES[0],
        "APP_DIRS": False,
        "OPTIONS": {
            **settings.TEMPLATES[0]["OPTIONS"],
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {
                        "logistics/pickup.html": "<p id=pickup>PICKUP {{ panel.case.number }} {{ panel.slot }}</p>"
                    },
                ),
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        },
    }
]


@pytest.fixture
def pickup_panel():
    panels.register_panel(
        panels.Panel(
            name="test.pickup",
            template="logistics/pickup.html",
            applies=lambda case, access: case.status == "awaiting_return" and case.solution == "pickup",
            context=lambda case, access: {"slot": "明天 9:00-12:00"},
        )
    )
    yield
    panels.PANELS.pop("test.pickup")


@override_settings(TEMPLATES=TEMPLATES)
def test_given_a_registered_pickup_panel_when_the_case_awaits_a_pickup_then_the_panel_shows(
    pickup_panel, customer_client, consumer_user, shop_order, agent
):
    case = cs.case_create(
        actor=consumer_user, customer=shop_order.customer, type="return_refund", channel="web",
        lines=[{"order_line": shop_order.lines.get(position=2), "quantity": 1, "reason": "C01"}],
    )  # fmt: skip
    url = reverse("portal:case", args=[case.id])
    assert "PICKUP" not in customer_client.get(url).content.decode()

    cs.case_approve(case=case, actor=agent, solution="pickup")
    cs.case_confirm_solution(case=case, actor=consumer_user, **pickup_inputs("pickup"))

    html = customer_client.get(url).content.decode()
    assert f"<p id=pickup>PICKUP {case.number} 明天 9:00-12:00</p>" in html
