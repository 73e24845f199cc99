# ruff: noqa: E501 - sentences read better unbroken
"""The website's own words in English and Welsh (articles carry their own)."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "skip": "Skip to main content",
        "home": "Home",
        "services": "Council services",
        "search": "Search",
        "search_label": "Search this website",
        "search_button": "Search",
        "search_results": "Search results",
        "results_for": "results for",
        "no_results": "We could not find a page that answers that.",
        "no_results_help": "Try different words, or ask our online assistant in the bottom corner of the page.",
        "weak_results": "These pages might help, but we are not sure they answer your question.",
        "last_reviewed": "Last reviewed",
        "owner": "Page owner",
        "related": "Related pages",
        "links": "Useful links",
        "contents": "Contents",
        "helpful": "Was this page helpful?",
        "yes": "Yes",
        "no": "No",
        "helpful_thanks": "Thank you for your feedback.",
        "tell_us_more": "Tell us what you were looking for (optional)",
        "tell_us_hint": "Do not include personal information such as your name, address or account number.",
        "send": "Send feedback",
        "accessibility": "Accessibility statement",
        "cymraeg": "Cymraeg",
        "english": "English",
        "switch_language": "Darllenwch y dudalen hon yn Gymraeg",
        "not_found": "Page not found",
        "not_found_help": "If you typed the web address, check it is correct. If you pasted it, check you copied the whole address.",
        "not_found_next": "You can search this website or go to the home page.",
        "articles_in_area": "Pages in this section",
        "intro": "Find information about council services, pay, report and apply online.",
        "contact": "Contact the council",
        "open_hours": "Our online assistant can help any time, day or night.",
        "breadcrumb": "Breadcrumb",
        "language_nav": "Language",
    },
    "cy": {
        "skip": "Neidio i'r prif gynnwys",
        "home": "Hafan",
        "services": "Gwasanaethau'r cyngor",
        "search": "Chwilio",
        "search_label": "Chwilio'r wefan hon",
        "search_button": "Chwilio",
        "search_results": "Canlyniadau chwilio",
        "results_for": "canlyniad ar gyfer",
        "no_results": "Ni allem ddod o hyd i dudalen sy'n ateb hynny.",
        "no_results_help": "Rhowch gynnig ar eiriau gwahanol, neu gofynnwch i'n cynorthwyydd ar-lein yng nghornel y dudalen.",
        "weak_results": "Efallai y bydd y tudalennau hyn yn helpu, ond nid ydym yn siŵr eu bod yn ateb eich cwestiwn.",
        "last_reviewed": "Adolygwyd ddiwethaf",
        "owner": "Perchennog y dudalen",
        "related": "Tudalennau cysylltiedig",
        "links": "Dolenni defnyddiol",
        "contents": "Cynnwys",
        "helpful": "A oedd y dudalen hon yn ddefnyddiol?",
        "yes": "Oedd",
        "no": "Nac oedd",
        "helpful_thanks": "Diolch am eich adborth.",
        "tell_us_more": "Dywedwch wrthym beth roeddech chi'n chwilio amdano (dewisol)",
        "tell_us_hint": "Peidiwch â chynnwys gwybodaeth bersonol fel eich enw, cyfeiriad neu rif cyfrif.",
        "send": "Anfon adborth",
        "accessibility": "Datganiad hygyrchedd",
        "cymraeg": "Cymraeg",
        "english": "English",
        "switch_language": "Read this page in English",
        "not_found": "Heb ddod o hyd i'r dudalen",
        "not_found_help": "Os gwnaethoch deipio'r cyfeiriad gwe, gwiriwch ei fod yn gywir. Os gwnaethoch ei ludo, gwiriwch eich bod wedi copïo'r cyfeiriad cyfan.",
        "not_found_next": "Gallwch chwilio'r wefan hon neu fynd i'r hafan.",
        "articles_in_area": "Tudalennau yn yr adran hon",
        "intro": "Dewch o hyd i wybodaeth am wasanaethau'r cyngor, talu, rhoi gwybod a gwneud cais ar-lein.",
        "contact": "Cysylltu â'r cyngor",
        "open_hours": "Gall ein cynorthwyydd ar-lein helpu unrhyw bryd, ddydd neu nos.",
        "breadcrumb": "Briwsion bara",
        "language_nav": "Iaith",
    },
}


def text_for(language: str) -> dict[str, str]:
    return TEXT["cy"] if language == "cy" else TEXT["en"]


def prefix(language: str) -> str:
    """URL prefix for a language's pages ('' for English, '/cy' for Welsh)."""
    return "/cy" if language == "cy" else ""
