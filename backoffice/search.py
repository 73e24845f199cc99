"""Planning register search criteria, parsed once and applied by each adapter."""

from __future__ import annotations

import re
from dataclasses import dataclass

from backoffice import references
from backoffice.exceptions import InvalidReference, InvalidRequest
from backoffice.values import PlanningApplication


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
