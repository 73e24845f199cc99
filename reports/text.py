"""What the report-a-problem pages say, in English and Welsh."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Report a problem in the street",
        "intro": "Tell us about fly-tipping, graffiti, dog fouling, an abandoned vehicle "
        "or a street light that is not working. We will give you a reference to track it.",
        "kind": "What is the problem?",
        "kind_fly_tipping": "Fly-tipping (rubbish dumped)",
        "kind_graffiti": "Graffiti",
        "kind_dog_fouling": "Dog fouling",
        "kind_abandoned_vehicle": "Abandoned vehicle",
        "kind_street_lighting": "Street light not working",
        "where": "Where is it?",
        "search_label": "Search for a street or postcode",
        "search_hint": "For example, Foxglove Lane or BF3 2QX",
        "search_button": "Find addresses",
        "found": "Addresses we found. Choose the nearest, or describe the place below.",
        "found_none": "We found no address matching that. Describe the place below instead.",
        "none_of_these": "None of these",
        "location": "Describe the place",
        "location_hint": "A street name and a landmark, for example: behind the shops "
        "on Mill Lane. Leave it empty if you chose an address or shared your location.",
        "use_location": "Use my current location",
        "location_added": "Your location has been added.",
        "location_failed": "We could not get your location. Describe the place instead.",
        "description": "Describe the problem",
        "description_hint": "What is there and how much, for example: six black bags and a "
        "mattress. Do not include anyone's personal details.",
        "photo": "Add a photo (optional)",
        "photo_hint": "A JPEG, PNG or WebP photo, up to 10 MB. We remove the hidden details "
        "cameras add to photos, such as where and when it was taken, before we keep it.",
        "photo_location": "Let us use where the photo was taken to find the problem "
        "(we keep only that position, nothing else from the photo's details)",
        "submit": "Send report",
        "err_kind": "Choose what the problem is",
        "err_location": "Choose an address, describe the place, or share your location",
        "err_location_long": "Describe the place in 200 characters or fewer",
        "err_description": "Describe the problem",
        "err_description_long": "Describe the problem in 2,000 characters or fewer",
        "err_search": "Enter a street name or postcode to search",
        "err_photo_empty": "The photo you chose is empty. Choose another photo",
        "err_photo_too_large": "The photo must be 10 MB or smaller",
        "err_photo_not_image": "The file you chose is not a photo we can open. "
        "Choose a JPEG, PNG or WebP photo",
        "err_photo_wrong_type": "The photo must be a JPEG, PNG or WebP",
        "err_photo_too_many_pixels": "The photo is too big to open. Choose a smaller photo",
        "photo_again": "If you added a photo, choose it again.",
        "unavailable_title": "Your report could not be sent",
        "unavailable": "The council's system is not answering just now, so nothing has been "
        "sent and nothing was kept. Try again in a few minutes: what you typed is below.",
        "refused": "The council's system could not accept this report. Check the details, "
        "or contact us another way.",
        "done_title": "Report sent",
        "done_reference": "Your reference is",
        "done_body": "We have passed your report to {team}. We aim to deal with it by {day}.",
        "done_photo": "We kept your photo without its hidden details.",
        "done_track": "Track this report",
        "track_title": "Where is my request?",
        "track_label": "Your reference",
        "track_hint": "It starts with BDC-, for example BDC-104233",
        "track_button": "Check",
        "track_status": "Status",
        "track_kind": "Request",
        "track_received": "Received",
        "track_target": "We aim to finish by",
        "err_reference": "Enter a reference like BDC-104233",
        "err_reference_unknown": "We cannot find a request with that reference",
        "status_received": "Received",
        "status_in_progress": "In progress",
        "status_awaiting_resident": "Waiting for you",
        "status_resolved": "Dealt with",
        "status_closed": "Closed",
        "status_cancelled": "Cancelled",
        "script_note": "",
    },
    "cy": {
        "title": "Rhoi gwybod am broblem ar y stryd",
        "intro": "Dywedwch wrthym am dipio anghyfreithlon, graffiti, baw cŵn, cerbyd wedi'i "
        "adael neu olau stryd nad yw'n gweithio. Byddwn yn rhoi cyfeirnod i chi i'w ddilyn.",
        "kind": "Beth yw'r broblem?",
        "kind_fly_tipping": "Tipio anghyfreithlon (sbwriel wedi'i adael)",
        "kind_graffiti": "Graffiti",
        "kind_dog_fouling": "Baw cŵn",
        "kind_abandoned_vehicle": "Cerbyd wedi'i adael",
        "kind_street_lighting": "Golau stryd ddim yn gweithio",
        "where": "Ble mae hi?",
        "search_label": "Chwilio am stryd neu god post",
        "search_hint": "Er enghraifft, Foxglove Lane neu BF3 2QX",
        "search_button": "Dod o hyd i gyfeiriadau",
        "found": "Cyfeiriadau a ganfuwyd. Dewiswch yr agosaf, neu disgrifiwch y lle isod.",
        "found_none": "Ni chanfuwyd cyfeiriad sy'n cyfateb. Disgrifiwch y lle isod yn lle hynny.",
        "none_of_these": "Dim un o'r rhain",
        "location": "Disgrifiwch y lle",
        "location_hint": "Enw stryd a thirnod, er enghraifft: y tu ôl i'r siopau ar Mill "
        "Lane. Gadewch yn wag os dewisoch gyfeiriad neu rannu eich lleoliad.",
        "use_location": "Defnyddio fy lleoliad presennol",
        "location_added": "Mae eich lleoliad wedi'i ychwanegu.",
        "location_failed": "Ni allem gael eich lleoliad. Disgrifiwch y lle yn lle hynny.",
        "description": "Disgrifiwch y broblem",
        "description_hint": "Beth sydd yno a faint, er enghraifft: chwe bag du a matres. "
        "Peidiwch â chynnwys manylion personol neb.",
        "photo": "Ychwanegu llun (dewisol)",
        "photo_hint": "Llun JPEG, PNG neu WebP, hyd at 10 MB. Rydym yn tynnu'r manylion "
        "cudd y mae camerâu'n eu hychwanegu, fel ble a phryd y tynnwyd y llun, cyn ei gadw.",
        "photo_location": "Gadewch i ni ddefnyddio ble tynnwyd y llun i ddod o hyd i'r broblem "
        "(dim ond y safle hwnnw a gadwn, dim byd arall o fanylion y llun)",
        "submit": "Anfon yr adroddiad",
        "err_kind": "Dewiswch beth yw'r broblem",
        "err_location": "Dewiswch gyfeiriad, disgrifiwch y lle, neu rhannwch eich lleoliad",
        "err_location_long": "Disgrifiwch y lle mewn 200 nod neu lai",
        "err_description": "Disgrifiwch y broblem",
        "err_description_long": "Disgrifiwch y broblem mewn 2,000 nod neu lai",
        "err_search": "Rhowch enw stryd neu god post i chwilio",
        "err_photo_empty": "Mae'r llun a ddewisoch yn wag. Dewiswch lun arall",
        "err_photo_too_large": "Rhaid i'r llun fod yn 10 MB neu'n llai",
        "err_photo_not_image": "Nid yw'r ffeil a ddewisoch yn llun y gallwn ei agor. "
        "Dewiswch lun JPEG, PNG neu WebP",
        "err_photo_wrong_type": "Rhaid i'r llun fod yn JPEG, PNG neu WebP",
        "err_photo_too_many_pixels": "Mae'r llun yn rhy fawr i'w agor. Dewiswch lun llai",
        "photo_again": "Os ychwanegoch lun, dewiswch ef eto.",
        "unavailable_title": "Nid oedd modd anfon eich adroddiad",
        "unavailable": "Nid yw system y cyngor yn ateb ar hyn o bryd, felly nid oes dim wedi'i "
        "anfon na'i gadw. Rhowch gynnig arall arni mewn ychydig funudau: mae'r hyn a "
        "deipioch isod.",
        "refused": "Ni allai system y cyngor dderbyn yr adroddiad hwn. Gwiriwch y manylion, "
        "neu cysylltwch â ni mewn ffordd arall.",
        "done_title": "Adroddiad wedi'i anfon",
        "done_reference": "Eich cyfeirnod yw",
        "done_body": "Rydym wedi anfon eich adroddiad at {team}. "
        "Ein nod yw delio ag ef erbyn {day}.",
        "done_photo": "Rydym wedi cadw eich llun heb ei fanylion cudd.",
        "done_track": "Dilyn yr adroddiad hwn",
        "track_title": "Ble mae fy nghais?",
        "track_label": "Eich cyfeirnod",
        "track_hint": "Mae'n dechrau gyda BDC-, er enghraifft BDC-104233",
        "track_button": "Gwirio",
        "track_status": "Statws",
        "track_kind": "Cais",
        "track_received": "Derbyniwyd",
        "track_target": "Ein nod yw gorffen erbyn",
        "err_reference": "Rhowch gyfeirnod fel BDC-104233",
        "err_reference_unknown": "Ni allwn ddod o hyd i gais gyda'r cyfeirnod hwnnw",
        "status_received": "Wedi'i dderbyn",
        "status_in_progress": "Ar y gweill",
        "status_awaiting_resident": "Yn aros amdanoch chi",
        "status_resolved": "Wedi delio ag ef",
        "status_closed": "Wedi cau",
        "status_cancelled": "Wedi'i ganslo",
        "script_note": "",
    },
}

# Case types in Welsh, for the tracking page (any case, not only reports).
CASE_KINDS_CY = {
    "missed_bin": "Bin heb ei gasglu",
    "bulky_waste": "Casgliad eitemau swmpus",
    "fly_tipping": "Tipio anghyfreithlon",
    "graffiti": "Graffiti",
    "dog_fouling": "Baw cŵn",
    "abandoned_vehicle": "Cerbyd wedi'i adael",
    "street_lighting": "Golau stryd",
    "repair": "Atgyweirio",
    "general_enquiry": "Ymholiad cyffredinol",
    "complaint": "Cwyn",
}


def text_for(language: str) -> dict[str, str]:
    return TEXT["cy" if language == "cy" else "en"]


def case_kind(case_type: str, language: str) -> str:
    if language == "cy":
        return CASE_KINDS_CY.get(case_type, case_type)
    return case_type.replace("_", " ").capitalize()


# The staff page of a reported problem (the editor's language, English or Welsh).
STAFF: dict[str, dict[str, str]] = {
    "en": {
        "title": "Case {reference}",
        "type": "Type",
        "status": "Status",
        "summary": "Summary",
        "description": "Description",
        "location": "Location",
        "team": "Team",
        "channel": "Channel",
        "open311": "Open311 request",
        "photos": "Photos",
        "alt": "Photo sent with {reference}",
        "caption": "{kind}, {width}x{height}, {kb} KB, metadata removed",
        "no_photo": "No photo was sent with this case.",
        "missing": "No case {reference} could be shown.",
    },
    "cy": {
        "title": "Achos {reference}",
        "type": "Math",
        "status": "Statws",
        "summary": "Crynodeb",
        "description": "Disgrifiad",
        "location": "Lleoliad",
        "team": "Tîm",
        "channel": "Sianel",
        "open311": "Cais Open311",
        "photos": "Lluniau",
        "alt": "Llun a anfonwyd gyda {reference}",
        "caption": "{kind}, {width}x{height}, {kb} KB, metadata wedi'i dynnu",
        "no_photo": "Ni anfonwyd llun gyda'r achos hwn.",
        "missing": "Nid oedd modd dangos achos {reference}.",
    },
}


def staff_text(language: str) -> dict[str, str]:
    return STAFF["cy" if language == "cy" else "en"]
