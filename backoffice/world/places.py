"""Bramblefield's gazetteer: sectors, streets, postcodes, properties, residents.

The fixed demo streets (Foxglove Lane, BF3 2QX and Campion Close, BF1 3NW) are
built first, so their UPRNs and resident ids never depend on the random seed;
the rest of the district is random but reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from backoffice.values import Property, Resident
from backoffice.world import names

SECTORS: tuple[str, ...] = (
    "BF1 1", "BF1 2", "BF1 3", "BF2 1", "BF2 4", "BF3 1", "BF3 2", "BF3 5", "BF4 1", "BF4 2",
    "BF4 6", "BF5 1", "BF5 3", "BF6 2", "BF6 3", "BF7 1", "BF7 4", "BF8 2", "BF9 1", "BF9 3",
)  # fmt: skip
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in the inward code of real postcodes

FOXGLOVE_POSTCODE = "BF3 2QX"
CAMPION_POSTCODE = "BF1 3NW"
_RESERVED_STEMS = {"Foxglove", "Campion"}


@dataclass(frozen=True, slots=True)
class Household:
    property: Property
    residents: tuple[Resident, ...]
    sector: str
    is_flat: bool


class _Numbering:
    def __init__(self) -> None:
        self.uprn = 0
        self.resident = 0

    def next_uprn(self) -> str:
        self.uprn += 1
        return f"9900{self.uprn:08d}"

    def next_resident(self) -> str:
        self.resident += 1
        return f"R{self.resident:06d}"


def ward_of(sector: str) -> str:
    return names.WARDS[SECTORS.index(sector) % len(names.WARDS)]


def _property(numbering: _Numbering, lines: tuple[str, ...], postcode: str) -> Property:
    district = postcode.split(" ")[0]
    return Property(
        uprn=numbering.next_uprn(),
        address_lines=lines,
        town=names.TOWNS_BY_DISTRICT[district],
        postcode=postcode,
        ward=ward_of(f"{district} {postcode.split(' ')[1][0]}"),
    )


def _fixed(
    numbering: _Numbering, lines: tuple[str, ...], postcode: str, people: list[tuple[str, str]]
) -> Household:
    home = _property(numbering, lines, postcode)
    residents = tuple(
        Resident(numbering.next_resident(), home.uprn, forename, surname)
        for forename, surname in people
    )
    sector = postcode[: postcode.index(" ") + 2]
    return Household(home, residents, sector, is_flat=lines[0].startswith("Flat"))


def demo_households(numbering: _Numbering) -> list[Household]:
    """Foxglove Lane (BF3 2QX) and Campion Close (BF1 3NW), always the same."""
    homes: list[Household] = []
    fox, camp = FOXGLOVE_POSTCODE, CAMPION_POSTCODE
    homes.append(_fixed(numbering, ("14 Foxglove Lane",), fox, [("Ann", "Whitlock")]))
    homes.append(_fixed(numbering, ("Flat 2", "9 Foxglove Lane"), fox, [("Grace", "Okafor")]))
    homes.append(
        _fixed(numbering, ("6 Foxglove Lane",), fox, [("Dev", "Marsh"), ("Lily", "Marsh")])
    )
    homes.append(_fixed(numbering, ("8 Foxglove Lane",), fox, [("Olu", "Adeyemi")]))
    homes.append(_fixed(numbering, ("3 Campion Close",), camp, [("Ruth", "Hallam")]))
    for number in (2, 4, 10, 12, 16):
        homes.append(_fixed(numbering, (f"{number} Foxglove Lane",), fox, [("Sam", "Tolley")]))
    for flat in (1, 3, 4):
        homes.append(
            _fixed(numbering, (f"Flat {flat}", "9 Foxglove Lane"), fox, [("Kit", "Ellery")])
        )
    for number in (1, 2, 4, 5, 6, 7, 8, 9):
        homes.append(_fixed(numbering, (f"{number} Campion Close",), camp, [("Jo", "Rudd")]))
    return homes


def _street_names(rng: random.Random, count: int) -> list[str]:
    stems = [stem for stem in names.STREET_STEMS if stem not in _RESERVED_STEMS]
    rng.shuffle(stems)
    return [f"{stem} {rng.choice(names.STREET_SUFFIXES)}" for stem in stems[:count]]


def _addresses(rng: random.Random, street: str, count: int) -> list[tuple[tuple[str, ...], bool]]:
    """``count`` address lines for one street, in street order, and whether each
    is a flat (about one number in twelve is a block of 4 to 8 flats)."""
    found: list[tuple[tuple[str, ...], bool]] = []
    number = 0
    while len(found) < count:
        number += 1
        if rng.random() < 0.08:
            flats = min(rng.randint(4, 8), count - len(found))
            found += [
                ((f"Flat {flat}", f"{number} {street}"), True) for flat in range(1, flats + 1)
            ]
        else:
            found.append(((f"{number} {street}",), False))
    return found


def _people(
    rng: random.Random, numbering: _Numbering, uprn: str, is_flat: bool
) -> tuple[Resident, ...]:
    count = rng.choices((1, 2, 3), weights=(5, 4, 1) if is_flat else (3, 5, 2))[0]
    family = rng.choice(names.SURNAMES)
    residents = []
    for _ in range(count):
        surname = family if rng.random() < 0.75 else rng.choice(names.SURNAMES)
        forename = rng.choice(names.FORENAMES)
        email = None
        if rng.random() < 0.6:
            handle = f"{forename}.{surname}".lower().replace("'", "")
            email = f"{handle}{rng.randint(1, 99)}@example.org"
        phone = f"07700 900{rng.randint(0, 999):03d}" if rng.random() < 0.7 else None
        residents.append(
            Resident(numbering.next_resident(), uprn, forename, surname, email=email, phone=phone)
        )
    return tuple(residents)


def build_households(rng: random.Random, *, target: int = 2000) -> list[Household]:
    """About ``target`` households: the demo streets, then random streets spread
    over SECTORS, three streets per sector, 8 to 16 addresses per postcode."""
    numbering = _Numbering()
    households = demo_households(numbering)
    used_units = {FOXGLOVE_POSTCODE, CAMPION_POSTCODE}
    streets = _street_names(rng, len(SECTORS) * 3)
    per_sector = (target - len(households)) // len(SECTORS)
    for index, sector in enumerate(SECTORS):
        shortest = max(per_sector // 5, 1)  # three streets, none tiny
        first = rng.randint(shortest, per_sector - 2 * shortest)
        second = rng.randint(first + shortest, per_sector - shortest)
        sizes = (first, second - first, per_sector - second)
        for street, size in zip(streets[index * 3 : index * 3 + 3], sizes, strict=True):
            addresses = _addresses(rng, street, size)
            position = 0
            while position < len(addresses):
                unit_size = rng.randint(8, 16)
                if len(addresses) - position - unit_size < 5:  # no tiny last postcode
                    unit_size = len(addresses) - position
                postcode = _new_unit(rng, sector, used_units)
                for lines, is_flat in addresses[position : position + unit_size]:
                    home = _property(numbering, lines, postcode)
                    people = _people(rng, numbering, home.uprn, is_flat)
                    households.append(Household(home, people, sector, is_flat))
                position += unit_size
    return households


def _new_unit(rng: random.Random, sector: str, used: set[str]) -> str:
    while True:
        unit = f"{sector}{rng.choice(UNIT_LETTERS)}{rng.choice(UNIT_LETTERS)}"
        if unit not in used:
            used.add(unit)
            return unit
