"""Return logistics (seed S9 steps 3–5, S6 step 4): when the customer confirms the solution it
chooses pickup, self-ship or drop-off; self-ship and drop-off get the right warehouse's return
address and the ship deadline; a pickup is booked through the carrier's adapter (manual: staff
enter the reference). Refused inputs change nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from returndesk.cases import services
from returndesk.cases.models import Status
from returndesk.cases.tests.helpers import add_photo, line_of, open_case, refused
from returndesk.catalog.models import Warehouse
from returndesk.catalog.tests.factories import make_customer, make_product, make_warehouse
from returndesk.inspection.tests.helpers import default_warehouse
from returndesk.logistics.adapters import Booking
from returndesk.logistics.models import ReturnRoute, ReturnShipment, ShipmentState
from returndesk.logistics.selectors import pickups_to_book, return_instructions
from returndesk.notifications.models import OutboxMessage
from returndesk.notifications.services.outbox import outbox_deliver_due
from returndesk.orders.tests.factories import make_order

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SH)


@pytest.fixture
def guangzhou():
    return make_warehouse(code="HC-GZ", name="广州分仓", return_address="广州市白云区太和镇永兴路18号 3号库",
                          contact_name="梁嘉豪", phone="020-37281234")  # fmt: skip


@pytest.fixture
def cantonese(db):
    return make_customer(name="陈小姐", address="广东省广州市天河区体育西路 1 号")


def approved_case(customer, *, agent, solution="self_ship", product=None):
    """A consumer's no-reason return (C01) of 1 unit, approved with `solution` on 23 Nov 10:00."""
    with time_machine.travel(at(23, 10), tick=False):
        order = make_order(customer, lines=[(product or make_product(), 2, "300.00")])
        case = open_case(actor=agent, customer=customer, order_line=order.lines.get(), reason="C01")
        services.case_approve(case=case, actor=agent, solution=solution)
    return case


def test_given_a_route_for_guangdong_when_a_cantonese_customer_confirms_self_ship_then_the_guangzhou_address_and_the_7_day_deadline(
    cantonese, agent, guangzhou
):
    ReturnRoute.objects.create(priority=10, address_prefix="广东省", warehouse=guangzhou, note="华南就近")
    case = approved_case(cantonese, agent=agent)

    with time_machine.travel(at(23, 11), tick=False):
        services.case_confirm_solution(case=case, actor=agent)

    shipment = ReturnShipment.objects.get(case=case)
    assert (shipment.method, shipment.state, shipment.warehouse, shipment.ship_to_address, shipment.ship_to_name) == (
        "self_ship", ShipmentState.AWAITING, guangzhou, "广州市白云区太和镇永兴路18号 3号库", "梁嘉豪",
    )  # fmt: skip
    assert (shipment.sender_name, shipment.sender_address) == ("陈小姐", "广东省广州市天河区体育西路 1 号")
    instructions = return_instructions(case)
    assert instructions.deadline == at(30, 11)  # sla ship_timeout: 7 calendar days
    assert case.events.get(type="confirm_solution").data == {
        "solution": "self_ship", "note": "", "return_method": "self_ship", "warehouse": "HC-GZ",
        "return_address": "广州市白云区太和镇永兴路18号 3号库",
    }  # fmt: skip


def test_given_routes_that_do_not_match_when_confirmed_then_the_default_warehouse_receives_it(
    consumer, agent, guangzhou
):
    ReturnRoute.objects.create(priority=10, address_prefix="广东省", warehouse=guangzhou)
    other_category = make_product().category
    ReturnRoute.objects.create(priority=20, category=other_category, warehouse=guangzhou)
    ReturnRoute.objects.create(priority=5, address_prefix="上海市", warehouse=guangzhou, is_active=False)
    case = approved_case(consumer, agent=agent)

    services.case_confirm_solution(case=case, actor=agent)

    assert ReturnShipment.objects.get(case=case).warehouse == default_warehouse()


def test_given_a_category_route_when_every_product_is_of_that_category_then_its_warehouse(
    consumer, agent, guangzhou
):
    monitor = make_product()
    ReturnRoute.objects.create(priority=10, category=monitor.category, warehouse=guangzhou)
    case = approved_case(consumer, agent=agent, product=monitor)

    services.case_confirm_solution(case=case, actor=agent)

    assert ReturnShipment.objects.get(case=case).warehouse == guangzhou


def test_given_self_ship_offered_when_the_customer_chooses_drop_off_then_the_solution_follows_and_the_warehouse_can_receive_at_once(
    consumer, consumer_user, agent, warehouse
):
    case = approved_case(consumer, agent=agent)

    services.case_confirm_solution(case=case, actor=consumer_user, return_method="drop_off")

    assert (case.status, case.solution) == (Status.AWAITING_RETURN, "drop_off")
    assert ReturnShipment.objects.get(case=case).method == "drop_off"
    services.case_receive(case=case, actor=warehouse, received={str(line_of(case).id): 1})
    assert ReturnShipment.objects.get(case=case).state == ShipmentState.RECEIVED


def test_given_a_pickup_when_confirmed_then_requested_queued_for_staff_and_the_manual_adapter_books_nothing(
    consumer, consumer_user, agent
):
    case = approved_case(consumer, agent=agent, solution="pickup")

    with time_machine.travel(at(23, 11), tick=False):
        services.case_confirm_solution(
            case=case, actor=consumer_user, pickup_window_start=at(24, 9), pickup_window_end=at(24, 11),
            pickup_address="上海市静安区南京西路 1266 号", pickup_contact="张三", pickup_phone="13800000000",
            carrier="sf",
        )  # fmt: skip
        outbox_deliver_due()

    shipment = ReturnShipment.objects.get(case=case)
    assert (shipment.state, shipment.carrier, shipment.adapter, shipment.booking_reference) == (
        ShipmentState.PICKUP_REQUESTED, "SF", "manual", "",
    )  # fmt: skip
    assert (shipment.pickup_window_start, shipment.pickup_window_end) == (at(24, 9), at(24, 11))
    assert (shipment.sender_name, shipment.sender_phone, shipment.sender_address) == (
        "张三", "13800000000", "上海市静安区南京西路 1266 号",
    )  # fmt: skip
    assert list(pickups_to_book()) == [shipment]
    assert OutboxMessage.objects.get(topic="case.pickup_book").state == OutboxMessage.State.SENT
    assert not case.events.filter(type="pickup_booked").exists()


def test_given_a_requested_pickup_when_the_agent_enters_the_booking_then_booked_and_the_customer_is_told(
    consumer, consumer_user, agent, warehouse
):
    case = approved_case(consumer, agent=agent, solution="pickup")
    with time_machine.travel(at(23, 11), tick=False):
        services.case_confirm_solution(
            case=case, actor=consumer_user, pickup_window_start=at(24, 9), pickup_window_end=at(24, 11),
            pickup_address="上海市静安区南京西路 1266 号", carrier="SF",
        )  # fmt: skip
    version = case.version

    services.case_record_pickup_booking(
        case=case, actor=agent, booking_reference="SFYY20261124001", tracking_number="SF1234567890123"
    )

    shipment = ReturnShipment.objects.get(case=case)
    assert (shipment.state, shipment.booking_reference, shipment.tracking_number, shipment.booked_by) == (
        ShipmentState.PICKUP_BOOKED, "SFYY20261124001", "SF1234567890123", agent,
    )  # fmt: skip
    event = case.events.get(type="pickup_booked")
    assert (event.internal, event.actor, event.data["booking_reference"]) == (False, agent, "SFYY20261124001")
    assert OutboxMessage.objects.filter(topic="case.customer_update", payload__event_id=event.id).count() == 1
    case.refresh_from_db()
    assert case.version == version  # no case field changed: pending actions stay valid
    assert list(pickups_to_book()) == []

    # the courier collects: the tracking number is entered as the return shipment
    services.case_ship_back(case=case, actor=warehouse, carrier="SF", tracking_number="SF1234567890123")
    shipment.refresh_from_db()
    assert (shipment.state, case.status) == (ShipmentState.SHIPPED, Status.IN_TRANSIT)


def test_given_a_booked_pickup_when_booked_again_or_by_the_wrong_role_then_refused_and_nothing_changed(
    consumer, consumer_user, agent, qc
):
    case = approved_case(consumer, agent=agent, solution="pickup")
    with time_machine.travel(at(23, 11), tick=False):
        services.case_confirm_solution(
            case=case, actor=consumer_user, pickup_window_start=at(24, 9), pickup_window_end=at(24, 11),
            pickup_address="上海市静安区南京西路 1266 号", carrier="SF",
        )  # fmt: skip
    services.case_record_pickup_booking(case=case, actor=agent, booking_reference="SFYY1")
    before = list(ReturnShipment.objects.values())

    with refused("logistics.already_booked", case=case):
        services.case_record_pickup_booking(case=case, actor=agent, booking_reference="SFYY2")
    with refused("logistics.booking_forbidden", case=case):
        services.case_record_pickup_booking(case=case, actor=qc, booking_reference="SFYY2")
    with refused("logistics.booking_reference_invalid", case=case):
        services.case_record_pickup_booking(case=case, actor=agent, booking_reference="  ")
    assert list(ReturnShipment.objects.values()) == before


class InstantAdapter:
    """A carrier that books at once (what a real SF/JD open-platform adapter answers)."""

    code = "instant"
    automatic = True
    cancelled: list[str] = []

    def book_pickup(self, request):
        return Booking(reference=f"IB-{request.reference}", tracking_number="SF9876543210987")

    def cancel_pickup(self, *, booking_reference):
        InstantAdapter.cancelled.append(booking_reference)


@override_settings(
    RETURNDESK_CARRIER_ADAPTERS={"SF": "returndesk.logistics.tests.test_return_shipments.InstantAdapter"}
)
def test_given_an_automatic_adapter_when_the_pickup_is_confirmed_then_the_worker_books_it_as_the_system_and_a_cancel_calls_it_off(
    consumer, consumer_user, agent
):
    case = approved_case(consumer, agent=agent, solution="pickup")
    with time_machine.travel(at(23, 11), tick=False):
        services.case_confirm_solution(
            case=case, actor=consumer_user, pickup_window_start=at(24, 9), pickup_window_end=at(24, 11),
            pickup_address="上海市静安区南京西路 1266 号", carrier="SF",
        )  # fmt: skip
        outbox_deliver_due()

    shipment = ReturnShipment.objects.get(case=case)
    assert (shipment.adapter, shipment.state, shipment.booking_reference, shipment.tracking_number) == (
        "instant", ShipmentState.PICKUP_BOOKED, f"IB-{case.number}", "SF9876543210987",
    )  # fmt: skip
    event = case.events.get(type="pickup_booked")
    assert (event.actor, event.actor_role) == (None, "system")

    InstantAdapter.cancelled.clear()
    case.refresh_from_db()
    services.case_cancel(case=case, actor=consumer_user, reason="不退了")
    outbox_deliver_due()
    shipment.refresh_from_db()
    assert (shipment.state, InstantAdapter.cancelled) == (ShipmentState.CANCELLED, [f"IB-{case.number}"])


@pytest.mark.parametrize(
    ("inputs", "code", "field"),
    [
        ({"end": None}, "logistics.pickup_incomplete", "pickup_window_end"),  # half a window
        (
            {"start": at(23, 8), "end": at(23, 10)},
            "logistics.pickup_window_invalid",
            "pickup_window_start",
        ),  # past
        ({"start": at(24, 11), "end": at(24, 9)}, "logistics.pickup_window_invalid", "pickup_window_start"),
        (
            {"start": at(24, 6), "end": at(24, 19)},
            "logistics.pickup_window_invalid",
            "pickup_window_start",
        ),  # 13 h
        ({"carrier": "OTHER"}, "logistics.carrier_unknown", "carrier"),
        ({"carrier": "UPS"}, "logistics.carrier_unknown", "carrier"),
        ({"address": ""}, "logistics.pickup_incomplete", "pickup_address"),
    ],
)
def test_given_a_pickup_with_a_bad_window_carrier_or_address_when_confirmed_then_refused_and_nothing_changed(
    consumer, consumer_user, agent, inputs, code, field
):
    consumer.address = ""  # no fallback address on file
    consumer.save(update_fields=["address"])
    case = approved_case(consumer, agent=agent, solution="pickup")
    given = {
        "return_method": "pickup", "pickup_window_start": inputs.get("start", at(24, 9)),
        "pickup_window_end": inputs.get("end", at(24, 11)), "carrier": inputs.get("carrier", "SF"),
        "pickup_address": inputs.get("address", "上海市静安区南京西路 1266 号"),
    }  # fmt: skip

    with time_machine.travel(at(23, 11), tick=False), refused(code, case=case) as exc:
        services.case_confirm_solution(case=case, actor=consumer_user, **given)

    assert field in exc.value.fields
    assert ReturnShipment.objects.count() == 0
    assert OutboxMessage.objects.filter(topic="case.pickup_book").count() == 0


def test_given_self_ship_when_a_pickup_window_is_sent_too_then_refused_rather_than_ignored(
    consumer, consumer_user, agent
):
    case = approved_case(consumer, agent=agent)
    start = at(24, 9)
    with (
        time_machine.travel(at(23, 11), tick=False),
        refused("logistics.pickup_fields_not_allowed", case=case),
    ):
        services.case_confirm_solution(
            case=case,
            actor=consumer_user,
            pickup_window_start=start,
            pickup_window_end=start + timedelta(hours=2),
        )
    assert ReturnShipment.objects.count() == 0


def test_given_no_warehouse_is_set_up_when_the_customer_confirms_then_refused_and_nothing_changed(
    consumer, consumer_user, agent
):
    case = approved_case(consumer, agent=agent)
    Warehouse.objects.update(is_default=False)

    with refused("logistics.no_warehouse", case=case) as exc:
        services.case_confirm_solution(case=case, actor=consumer_user)

    assert exc.value.kind == "conflict"
    assert ReturnShipment.objects.count() == 0


def test_given_a_self_ship_awaiting_the_goods_when_the_customer_cancels_then_the_shipment_is_cancelled(
    consumer, consumer_user, agent
):
    case = approved_case(consumer, agent=agent)
    services.case_confirm_solution(case=case, actor=consumer_user)

    services.case_cancel(case=case, actor=consumer_user, reason="问题已自行解决")

    assert ReturnShipment.objects.get(case=case).state == ShipmentState.CANCELLED
    assert return_instructions(case).deadline is None


def test_given_an_on_site_repair_when_confirmed_then_nothing_is_shipped(consumer, consumer_user, agent):
    with time_machine.travel(at(23, 10), tick=False):
        order = make_order(consumer, lines=[(make_product(), 1, "300.00")])
        case = open_case(
            actor=agent, customer=consumer, order_line=order.lines.get(), reason="Q01", type="repair"
        )
        add_photo(case, consumer_user)
        services.case_approve(case=case, actor=agent, solution="onsite")

    services.case_confirm_solution(case=case, actor=consumer_user)

    assert (case.status, ReturnShipment.objects.filter(case=case).count()) == (Status.AWAITING_RETURN, 0)


def test_given_a_pickup_confirmed_without_a_window_when_staff_agree_it_by_phone_then_they_book_it_with_the_window(
    consumer, consumer_user, agent
):
    """The portal's confirmation gives no window: the pickup waits for customer service, who call,
    agree the window and carrier with the customer, book it and enter all of it."""
    consumer.address = "上海市徐汇区漕溪北路 88 号"
    consumer.save(update_fields=["address"])
    case = approved_case(consumer, agent=agent, solution="pickup")
    with time_machine.travel(at(23, 11), tick=False):
        services.case_confirm_solution(case=case, actor=consumer_user)
    shipment = ReturnShipment.objects.get(case=case)
    assert (shipment.state, shipment.pickup_window_start, shipment.carrier, shipment.sender_address) == (
        ShipmentState.PICKUP_REQUESTED, None, "", consumer.address,
    )  # fmt: skip
    assert OutboxMessage.objects.filter(topic="case.pickup_book").count() == 0
    assert list(pickups_to_book()) == [shipment]

    with time_machine.travel(at(23, 14), tick=False):
        with refused("logistics.pickup_incomplete", case=case) as exc:
            services.case_record_pickup_booking(case=case, actor=agent, booking_reference="SFYY9")
        assert set(exc.value.fields) == {"pickup_window_start", "pickup_window_end", "carrier"}
        services.case_record_pickup_booking(
            case=case, actor=agent, booking_reference="SFYY9", pickup_window_start=at(24, 14),
            pickup_window_end=at(24, 16), carrier="jd",
        )  # fmt: skip

    shipment.refresh_from_db()
    assert (shipment.state, shipment.pickup_window_start, shipment.pickup_window_end, shipment.carrier) == (
        ShipmentState.PICKUP_BOOKED, at(24, 14), at(24, 16), "JD",
    )  # fmt: skip
    assert case.events.get(type="pickup_booked").data["pickup_window_start"] == at(24, 14).isoformat()
