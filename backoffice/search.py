"""Search criteria parsed once and applied by each adapter: the planning
register's, and the gazetteer's address search (a street or a postcode, for
reporting a problem where it is)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from backoffice import references
from backoffice.exceptions import InvalidReference, InvalidRequest
from backoffice.values import PlanningApplication, Property


@dataclass(frozen=True, slots=True)
class PlanningSearch:
    words: tuple[str, ...]  # casefolded; every one must occur in the site address
    postcode: str | None = None  # a full canonical postcode
    area: str | None = None  # or a district / sector


def planning_search_criteria(*, text: str | None, postcode: str | None) -> PlanningSearch:
    """Raises InvalidRequest without any criterion, InvalidReference for a
    postcode that is neither full nor a district or sector."""
    words = tuple(re.findall(r"[\w'-]+", text.casefold())) if text else ()
    if not words and not (postcode and postcode.strip()):
        raise InvalidRequest("search the planning register by address text or postcode")
    if not postcode or not postcode.strip():
        return PlanningSearch(words=words)
    try:
        return PlanningSearch(words=words, postcode=references.postcode(postcode))
    except InvalidReference:
        return PlanningSearch(words=words, area=references.postcode_area(postcode))


def matches_planning_search(application: PlanningApplication, search: PlanningSearch) -> bool:
    address = application.site_address.casefold()
    if not all(word in address for word in search.words):
        return False
    if search.postcode is not None:
        return application.postcode == search.postcode
    if search.area is not None:
        return references.postcode_in_area(application.postcode, search.area)
    return True


def address_search_words(text: str) -> tuple[str, ...]:
    """The casefolded words of an address search. A full postcode typed with or
    without its space counts as one word, so "bf32qx" finds "BF3 2QX". Raises
    InvalidRequest when no word has two characters or more (a house number
    alone would list half the district)."""
    cleaned = " ".join(str(text or "").split())[:200]
    try:
        return (references.postcode(cleaned).casefold(),)
    except InvalidReference:
        pass
    words = tuple(re.findall(r"[\w'-]+", cleaned.casefold()))
    if not any(len(word) >= 2 for word in words):
        raise InvalidRequest("search for an address by street name or postcode")
    return words[:8]


def matches_address(place: Property, words: tuple[str, ...]) -> bool:
    address = " ".join((*place.address_lines, place.town, place.postcode)).casefold()
    return all(word in address for word in words)
