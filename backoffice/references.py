"""Reference formats used by the back office, and forgiving normalisers for them.

Residents type references loosely ("ct 1234 5678", "bdc123456"); every port method
that takes a reference first normalises it here, so a malformed one raises
``InvalidReference`` before any system is asked, and a well-formed one that matches
nothing raises ``NotFound``.

| Kind                  | Format           | Example          |
|-----------------------|------------------|------------------|
| case                  | BDC-nnnnnn       | BDC-104233       |
| council tax account   | CTnnnnnnnn       | CT40012345       |
| tenancy               | TEN-nnnnnn       | TEN-004512       |
| planning application  | yy/nnnnn/TYPE    | 26/01234/FUL     |
| bulky waste booking   | BW-nnnnnn        | BW-200017        |
| UPRN                  | 1 to 12 digits   | 100090123456     |
"""

from __future__ import annotations

import re

from backoffice.exceptions import InvalidReference

PLANNING_TYPES = ("FUL", "HOU", "OUT", "REM", "LBC", "ADV", "TPO", "CLU", "DIS", "PA")

_CASE = re.compile(r"^BDC-?(\d{6})$")
_COUNCIL_TAX = re.compile(r"^CT(\d{8})$")
_TENANCY = re.compile(r"^TEN-?(\d{6})$")
_BOOKING = re.compile(r"^BW-?(\d{6})$")
_PLANNING = re.compile(r"^(\d{2})/(\d{5})/([A-Z]{2,3})$")
_UPRN = re.compile(r"^\d{1,12}$")
# Outward code: area letters + district; inward code: sector digit + unit letters.
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$")
_OUTWARD = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")
_SECTOR = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?) (\d)$")


def _squash(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def case_reference(value: str) -> str:
    match = _CASE.match(_squash(value))
    if not match:
        raise InvalidReference("case reference", value, "BDC- and 6 digits, e.g. BDC-104233")
    return f"BDC-{match.group(1)}"


def council_tax_reference(value: str) -> str:
    match = _COUNCIL_TAX.match(_squash(value))
    if not match:
        raise InvalidReference(
            "council tax account reference", value, "CT and 8 digits, e.g. CT40012345"
        )
    return f"CT{match.group(1)}"


def tenancy_reference(value: str) -> str:
    match = _TENANCY.match(_squash(value))
    if not match:
        raise InvalidReference("tenancy reference", value, "TEN- and 6 digits, e.g. TEN-004512")
    return f"TEN-{match.group(1)}"


def booking_reference(value: str) -> str:
    match = _BOOKING.match(_squash(value))
    if not match:
        raise InvalidReference(
            "bulky waste booking reference", value, "BW- and 6 digits, e.g. BW-200017"
        )
    return f"BW-{match.group(1)}"


def planning_reference(value: str) -> str:
    match = _PLANNING.match(_squash(value))
    if not match or match.group(3) not in PLANNING_TYPES:
        raise InvalidReference(
            "planning application reference", value, "year/number/type, e.g. 26/01234/FUL"
        )
    return f"{match.group(1)}/{match.group(2)}/{match.group(3)}"


def uprn(value: str | int) -> str:
    text = _squash(str(value))
    if not _UPRN.match(text):
        raise InvalidReference("UPRN", str(value), "up to 12 digits")
    return text.lstrip("0") or "0"


def postcode(value: str) -> str:
    """A full postcode in canonical form, e.g. "bf32qx" -> "BF3 2QX"."""
    match = _POSTCODE.match(_squash(value))
    if not match:
        raise InvalidReference("postcode", value, "a full UK postcode, e.g. BF3 2QX")
    return f"{match.group(1)} {match.group(2)}"


def postcode_area(value: str) -> str:
    """A postcode district ("BF3") or sector ("BF3 2") in canonical form.

    A space separates district and sector, so "BF3 2" is a sector of BF3 while
    "BF32" is the district BF32.
    """
    text = " ".join(value.upper().split())
    if _OUTWARD.match(text):
        return text
    match = _SECTOR.match(text)
    if match and " " in text:
        return f"{match.group(1)} {match.group(2)}"
    raise InvalidReference("postcode area", value, "a district or sector, e.g. BF3 or BF3 2")


def postcode_in_area(full_postcode: str, area: str) -> bool:
    """True when a canonical postcode lies in a canonical district or sector."""
    outward, inward = full_postcode.split(" ")
    if " " in area:
        district, sector = area.split(" ")
        return outward == district and inward[0] == sector
    return outward == area


def address_sort_key(address_lines: tuple[str, ...] | list[str]) -> str:
    """A string that sorts addresses by street, house number, then flat.

    Lines are compared from the street line inwards, with numbers zero-padded,
    so "Flat 2, 14 Foxglove Lane" sorts after "9 Foxglove Lane" and before
    "Flat 10, 14 Foxglove Lane".
    """
    padded = [re.sub(r"\d+", lambda m: m.group(0).zfill(6), line.upper()) for line in address_lines]
    street_first = [_street_first(line) for line in reversed(padded)]
    return "|".join(street_first)


def _street_first(line: str) -> str:
    # "000014 FOXGLOVE LANE" -> "FOXGLOVE LANE 000014": street name before number.
    match = re.match(r"^(\d{6}[A-Z]?)\s+(.*)$", line)
    return f"{match.group(2)} {match.group(1)}" if match else line
