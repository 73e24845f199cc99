"""The fixed vocabularies of the knowledge base: service areas and languages."""

from __future__ import annotations

from enum import StrEnum


class ServiceArea(StrEnum):
    WASTE = "waste"
    COUNCIL_TAX = "council_tax"
    BENEFITS = "benefits"
    HOUSING = "housing"
    PLANNING = "planning"
    PARKING = "parking"
    ELECTIONS = "elections"
    LICENSING = "licensing"
    ENVIRONMENTAL_HEALTH = "environmental_health"
    GENERAL = "general"


class Language(StrEnum):
    ENGLISH = "en"
    WELSH = "cy"


SERVICE_AREA_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "waste": "Bins, recycling and waste",
        "council_tax": "Council Tax",
        "benefits": "Benefits and support",
        "housing": "Housing",
        "planning": "Planning and building control",
        "parking": "Parking and roads",
        "elections": "Elections and voting",
        "licensing": "Licensing",
        "environmental_health": "Environmental health",
        "general": "Your council",
    },
    "cy": {
        "waste": "Biniau, ailgylchu a gwastraff",
        "council_tax": "Treth Gyngor",
        "benefits": "Budd-daliadau a chymorth",
        "housing": "Tai",
        "planning": "Cynllunio a rheoli adeiladu",
        "parking": "Parcio a ffyrdd",
        "elections": "Etholiadau a phleidleisio",
        "licensing": "Trwyddedu",
        "environmental_health": "Iechyd yr amgylchedd",
        "general": "Eich cyngor",
    },
}


def service_area_name(area: str, language: str = "en") -> str:
    names = SERVICE_AREA_NAMES.get(language, SERVICE_AREA_NAMES["en"])
    return names.get(area, area.replace("_", " ").capitalize())
