"""Tracking numbers are checked per carrier (seed S9 "退货快递单号"): the shapes of SF, JD, ZTO, YTO,
STO, Yunda and EMS numbers, and EMS's UPU S10 check digit."""

import pytest

from returndesk.core.errors import DomainError
from returndesk.logistics.carriers import CARRIERS, parse_shipment, s10_check_digit


@pytest.mark.parametrize(
    ("carrier", "typed", "stored"),
    [
        ("SF", "sf 1234 5678 9012 3", "SF1234567890123"),
        ("sf", "SF123456789012", "SF123456789012"),
        ("JD", "JDVA12345678901", "JDVA12345678901"),
        ("ZTO", "7730-1234-5678", "773012345678"),
        ("YTO", "YT1234567890123", "YT1234567890123"),
        ("STO", "773098765432101", "773098765432101"),
        ("YUNDA", "4312345678901", "4312345678901"),
        ("EMS", "ea123456785cn", "EA123456785CN"),
        ("EMS", "1012345678901", "1012345678901"),
        ("OTHER", "db-20261126-0001", "DB-20261126-0001"),
    ],
)
def test_given_a_valid_number_as_people_type_it_when_parsed_then_normalised_and_accepted(
    carrier, typed, stored
):
    assert parse_shipment(carrier, typed) == (carrier.upper(), stored)


@pytest.mark.parametrize(
    ("carrier", "number", "code", "field"),
    [
        ("DHL", "1234567890", "logistics.carrier_unknown", "carrier"),
        ("SF", "1234567890123", "logistics.tracking_invalid", "tracking_number"),  # no SF prefix
        ("SF", "SF12345", "logistics.tracking_invalid", "tracking_number"),
        ("JD", "JD123", "logistics.tracking_invalid", "tracking_number"),
        ("ZTO", "77301234", "logistics.tracking_invalid", "tracking_number"),
        ("YUNDA", "431234567890", "logistics.tracking_invalid", "tracking_number"),  # 12 digits
        ("EMS", "EA123456789CN", "logistics.tracking_invalid", "tracking_number"),  # check digit is 5
        ("EMS", "EA1234567CN", "logistics.tracking_invalid", "tracking_number"),
    ],
)
def test_given_a_bad_carrier_or_number_when_parsed_then_refused_naming_the_field(
    carrier, number, code, field
):
    with pytest.raises(DomainError) as exc:
        parse_shipment(carrier, number)
    assert (exc.value.code, set(exc.value.fields)) == (code, {field})
    assert exc.value.zh and exc.value.en


def test_given_the_upu_s10_rule_when_computing_check_digits_then_10_becomes_0_and_11_becomes_5():
    assert s10_check_digit("12345678") == 5  # 204 mod 11 = 6 → 5
    assert s10_check_digit("10000014") == 0  # sum 45, 45 mod 11 = 1 → 10 → 0
    assert s10_check_digit("00000000") == 5  # sum 0 → 11 → 5


def test_given_every_carrier_when_its_example_is_parsed_then_it_is_accepted():
    for code, carrier in CARRIERS.items():
        assert parse_shipment(code, carrier.example)[0] == code
    assert {"SF", "JD", "ZTO", "YTO", "STO", "YUNDA", "EMS"} <= set(CARRIERS)
