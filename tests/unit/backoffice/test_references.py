"""Reference formats: forgiving on input, canonical on output, strict on shape."""

from __future__ import annotations

import pytest

from backoffice import references
from backoffice.exceptions import InvalidReference


@pytest.mark.parametrize(
    ("normalise", "typed", "canonical"),
    [
        (references.case_reference, " bdc 104233", "BDC-104233"),
        (references.case_reference, "BDC104233", "BDC-104233"),
        (references.council_tax_reference, "ct 4001 2345", "CT40012345"),
        (references.tenancy_reference, "ten-004512", "TEN-004512"),
        (references.booking_reference, "bw 200017", "BW-200017"),
        (references.planning_reference, "26 / 01234 / ful", "26/01234/FUL"),
        (references.uprn, " 100090123456 ", "100090123456"),
        (references.uprn, 42, "42"),
        (references.postcode, "bf32qx", "BF3 2QX"),
        (references.postcode, "BF31  2CC", "BF31 2CC"),
        (references.postcode_area, "bf3", "BF3"),
        (references.postcode_area, "bf3 2", "BF3 2"),
        (references.postcode_area, "BF32", "BF32"),
    ],
)
def test_normalisers_accept_loose_input(normalise, typed, canonical) -> None:  # type: ignore[no-untyped-def]
    assert normalise(typed) == canonical


@pytest.mark.parametrize(
    ("normalise", "typed"),
    [
        (references.case_reference, "BDC-12345"),
        (references.case_reference, "WM-104233"),
        (references.council_tax_reference, "CT1234567"),
        (references.tenancy_reference, "TEN-45"),
        (references.booking_reference, "BW-ABCDEF"),
        (references.planning_reference, "26/1234/FUL"),
        (references.planning_reference, "26/01234/XYZ"),
        (references.uprn, "1000901234567"),
        (references.uprn, "12a"),
        (references.postcode, "BF3"),
        (references.postcode, "3BF 2QX"),
        (references.postcode_area, "BF3 2QX"),
    ],
)
def test_malformed_references_say_what_was_expected(normalise, typed) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidReference) as raised:
        normalise(typed)
    assert raised.value.code == "invalid_reference"
    assert raised.value.expected in raised.value.message


def test_postcode_in_area_respects_district_boundaries() -> None:
    assert references.postcode_in_area("BF3 2QX", "BF3")
    assert references.postcode_in_area("BF3 2QX", "BF3 2")
    assert not references.postcode_in_area("BF3 2QX", "BF3 1")
    assert not references.postcode_in_area("BF31 2CC", "BF3")


def test_address_sort_key_orders_by_street_number_then_flat() -> None:
    addresses = [
        ("10 Juniper Close",),
        ("Flat 10", "3 Juniper Close"),
        ("1 Juniper Close",),
        ("Flat 2", "3 Juniper Close"),
        ("3 Juniper Close",),
    ]
    ordered = sorted(addresses, key=references.address_sort_key)
    assert ordered == [
        ("1 Juniper Close",),
        ("3 Juniper Close",),
        ("Flat 2", "3 Juniper Close"),
        ("Flat 10", "3 Juniper Close"),
        ("10 Juniper Close",),
    ]
