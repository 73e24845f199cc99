"""Everything the bot says, in Welsh: each message under its English name.

:mod:`actions.localise` pairs these with :mod:`actions.messages` by name, so a
template keeps the same ``{fields}``. Written in plain, everyday Welsh (the
register of the Welsh Language Commissioner's "Cymraeg Clir"); a message
missing here is sent in English, never half-translated.
"""

from __future__ import annotations

HUMAN_BUTTON = {"title": "Siarad â pherson", "payload": "/human"}
YES_NO = [{"title": "Ydw", "payload": "/affirm"}, {"title": "Nac ydw", "payload": "/deny"}]

GREETING = (
    "Helo, fi yw cynorthwyydd {council}. Gallaf wirio diwrnod casglu eich "
    "biniau, rhoi gwybod am fin a fethwyd, trefnu casgliad gwastraff swmpus, dilyn cais, "
    "dangos balans eich treth gyngor neu'ch rhent ar ôl gwirio pwy ydych chi, chwilio am "
    "geisiadau cynllunio ac ateb cwestiynau am wasanaethau'r cyngor. Sut gallaf helpu?"
)
# "â" before the council's name would mutate it ("â Chyngor ..."); "â thîm" does not.
GOODBYE = "Hwyl fawr, a diolch am gysylltu â thîm {council}."
THANKS = "Croeso. Oes unrhyw beth arall y gallaf helpu ag ef?"
I_AM_A_BOT = (
    "Rhaglen gyfrifiadurol (chatbot) ydw i, nid person. Gallwch ofyn am gael siarad â "
    "pherson unrhyw bryd: teipiwch 'siarad â pherson'."
)
CAPABILITIES = (
    "Gallaf eich helpu i:\n"
    "- gweld diwrnod casglu eich biniau\n"
    "- rhoi gwybod am fin a fethwyd\n"
    "- trefnu casgliad gwastraff swmpus\n"
    "- gweld sut mae cais yn dod yn ei flaen (gyda'i gyfeirnod)\n"
    "- gweld balans eich treth gyngor neu'ch rhent (ar ôl gwiriad diogelwch)\n"
    "- dod o hyd i gais cynllunio\n"
    "- ateb cwestiynau am wasanaethau'r cyngor\n"
    "Neu teipiwch 'siarad â pherson' i gyrraedd ein tîm gwasanaethau cwsmeriaid."
)
CAPABILITY_BUTTONS = [
    {"title": "Pryd mae fy niwrnod bin?", "payload": "/ask_bin_day"},
    {"title": "Rhoi gwybod am fin a fethwyd", "payload": "/report_missed_bin"},
    {"title": "Trefnu casgliad gwastraff swmpus", "payload": "/book_bulky_waste"},
    {"title": "Ble mae fy nghais?", "payload": "/ask_case_status"},
]
START_OVER = "Iawn, gadewch i ni ddechrau eto. Sut gallaf helpu?"
STOPPED = (
    "Iawn, rwyf wedi stopio hynny a does dim wedi'i anfon. Oes unrhyw beth arall y gallaf "
    "helpu ag ef?"
)
NOTHING_TO_STOP = "Iawn. Oes unrhyw beth arall y gallaf helpu ag ef?"
ANYTHING_ELSE = "Oes unrhyw beth arall y gallaf helpu ag ef?"
NOT_FOLLOWED = (
    "Mae'n ddrwg gen i, wnes i ddim deall hynny. Allwch chi ei ddweud mewn ffordd arall? "
    "Gallwch hefyd deipio 'siarad â pherson'."
)
EMPTY_MESSAGE = "Mae'n ddrwg gen i, ches i mo hynny. Beth hoffech chi ei ofyn?"
NO_WORDS = (
    "Mae'n ddrwg gen i, dim ond geiriau rwy'n eu deall. Gyda beth hoffech chi help? Er "
    "enghraifft 'pryd mae fy niwrnod bin?'"
)
OK_WHAT_NEXT = "Iawn. Beth hoffech chi ei wneud?"
RESUME = "Nawr, yn ôl at {task}."
PAUSE = "Gadewch i ni wneud hynny'n gyntaf. Wedyn fe awn ni'n ôl at {task}."
SUBSCRIBE_ASK_CONTACT = (
    "Gallaf anfon nodyn atgoffa atoch y noson cyn eich diwrnod biniau, a dweud wrthych am "
    "darfu ar gasgliadau lle rydych chi'n byw. I ba gyfeiriad e-bost neu rif ffôn symudol "
    "yn y DU y dylwn eu hanfon?"
)
SUBSCRIBE_BAD_CONTACT = (
    "Nid yw hwnnw'n edrych fel cyfeiriad e-bost na rhif ffôn symudol yn y DU. Teipiwch un, "
    "fel enw@example.com neu 07700 900123."
)
SUBSCRIBE_CHECK_INBOX = (
    "Gwiriwch eich mewnflwch: rwyf wedi anfon neges at {contact}. Dilynwch y ddolen ynddi i "
    "gadarnhau. Nid oes dim arall yn cael ei anfon nes i chi wneud hynny, ac mae gan bob "
    "neges ddolen i'w hatal."
)
SUBSCRIBE_CHECK_PHONE = (
    "Gwiriwch eich ffôn: rwyf wedi anfon neges destun at {contact}. Dilynwch y ddolen ynddi "
    "i gadarnhau. Nid oes dim arall yn cael ei anfon nes i chi wneud hynny, ac mae gan bob "
    "neges ddolen i'w hatal."
)
SUBSCRIBE_UNKNOWN_ADDRESS = (
    "Mae'n ddrwg gen i, nid ydym yn casglu biniau o'r cyfeiriad hwnnw, felly ni allaf "
    "drefnu nodiadau atgoffa ar ei gyfer."
)
SUBSCRIBE_UNAVAILABLE = (
    "Mae'n ddrwg gen i, ni allaf drefnu nodiadau atgoffa yma ar hyn o bryd. Gallwch "
    "danysgrifio ar dudalen nodiadau atgoffa ein gwefan."
)
TASK_LABELS = {
    "bin_day": "wirio diwrnod eich bin",
    "missed_bin": "eich adroddiad am fin a fethwyd",
    "bulky": "eich archeb gwastraff swmpus",
    "case": "wirio eich cais",
    "planning": "y cais cynllunio",
    "report": "eich adroddiad am broblem",
    "verify": "y gwiriad diogelwch",
    "subscribe": "trefnu eich nodiadau atgoffa",
}
SYSTEM_DOWN = (
    "Mae'n ddrwg gen i, alla i ddim cyrraedd system y cyngor ar hyn o bryd, felly alla i "
    "ddim gwneud hynny nawr. Rhowch gynnig arall arni yn nes ymlaen, neu siaradwch â pherson."
)
SOMETHING_WENT_WRONG = (
    "Mae'n ddrwg gen i, aeth rhywbeth o'i le ar ein hochr ni. Rhowch gynnig arall arni, neu "
    "siaradwch â pherson."
)

# --- addresses ------------------------------------------------
ASK_POSTCODE = "Beth yw eich cod post? Er enghraifft {example}."
BAD_POSTCODE = (
    "Dydy hwnnw ddim yn edrych fel cod post llawn. Teipiwch ef fel hyn, os gwelwch yn dda: "
    "{example}."
)
UNKNOWN_POSTCODE = (
    "Alla i ddim dod o hyd i gyfeiriadau {place} gyda'r cod post hwnnw. Gwiriwch "
    "ef: mae ein codau post yn dechrau gyda {areas}, er enghraifft {example}."
)
ASK_ADDRESS = "Pa gyfeiriad yw eich un chi?"
ASK_ADDRESS_TYPED = (
    "Mae {count} cyfeiriad yn {postcode}. Teipiwch rif neu enw eich tŷ, os gwelwch yn dda."
)
NO_ADDRESS_MATCH = (
    "Mae'n ddrwg gen i, allwn i ddim paru hynny â chyfeiriad yn {postcode}. Dewiswch un "
    "o'r cyfeiriadau, neu teipiwch rif eich tŷ."
)

# --- bin day ------------------------------------------------
BIN_DAY_HEADER = "Y casgliadau nesaf ar gyfer {address}:"
BIN_DAY_LINE = "- {label}: {day}"
BIN_DAY_MOVED = " (wedi symud o {usual} oherwydd {reason})"
BIN_DAY_NONE = (
    "Alla i ddim dod o hyd i gasgliadau bin ar gyfer {address}. Siaradwch â pherson er "
    "mwyn i ni wirio, os gwelwch yn dda."
)
BIN_DAY_PUT_OUT = "Rhowch eich biniau allan erbyn 6am ar y diwrnod casglu, os gwelwch yn dda."
BANK_HOLIDAY_NOTE = "Mae {name} ar {day}: mae casgliadau'r wythnos honno'n symud un diwrnod."
DISRUPTION_NOTE = "Newyddion am y gwasanaeth: {title}. {description}"
DISRUPTION_CATCH_UP = " Rydym yn bwriadu dal i fyny ar {day}."

# --- missed bin ------------------------------------------------
ASK_BIN_TYPE = "Pa fin a fethwyd?"
BAD_BIN_TYPE = "Mae'n ddrwg gen i, pa fin ydych chi'n ei olygu? Dewiswch un, os gwelwch yn dda."
ASK_MISSED_DAY = "Pa ddiwrnod y cafodd ei fethu? Er enghraifft 'heddiw', 'ddoe' neu 'dydd Llun'."
BAD_MISSED_DAY = (
    "Mae'n ddrwg gen i, wnes i ddim deall y diwrnod. Dywedwch 'heddiw', 'ddoe' neu ddiwrnod "
    "fel 'dydd Llun'."
)
FUTURE_MISSED_DAY = "Dydy'r diwrnod hwnnw ddim wedi dod eto. Pa ddiwrnod y methwyd eich bin?"
OLD_MISSED_DAY = (
    "Mae hynny dros bythefnos yn ôl, sy'n rhy hwyr i roi gwybod. Rhowch eich bin allan eto ar "
    "eich diwrnod casglu nesaf, os gwelwch yn dda."
)
MISSED_REPORTED = (
    "Diolch. Rwyf wedi anfon eich adroddiad at y criw. Eich cyfeirnod yw {reference}. "
    "Rydym yn anelu at ei gasglu erbyn {target}. Gadewch eich bin allan, os gwelwch yn dda."
)
MISSED_ALREADY = (
    "Mae rhywun eisoes wedi rhoi gwybod am y bin hwn: y cyfeirnod yw {reference}. Rydym yn "
    "anelu at ei gasglu erbyn {target}. Gadewch eich bin allan, os gwelwch yn dda."
)
MISSED_CREW_LOGGED_OFFER = (
    "Os ydych chi'n credu bod cofnod y criw yn anghywir, gallaf roi gwybod o hyd."
)
DISPUTE_BUTTONS = [
    {"title": "Roedd fy min allan: rhowch wybod", "payload": "/affirm"},
    {"title": "Iawn, diolch", "payload": "/deny"},
]
ASK_DISPUTE_REASON = (
    "Dywedwch wrthyf yn fyr beth ddigwyddodd, er enghraifft 'roedd fy min allan erbyn 6am'."
)
BAD_DISPUTE_REASON = "Dywedwch wrthyf mewn ychydig eiriau beth ddigwyddodd (hyd at 500 nod)."
DISPUTE_DECLINED = "Iawn. Rhowch eich bin allan erbyn 6am ar eich diwrnod casglu nesaf."

# --- bulky waste ------------------------------------------------
BULKY_OFFER = "Hoffech chi drefnu casgliad?"
ASK_BULKY_ITEMS = "Beth hoffech chi i ni ei gasglu? Er enghraifft 'soffa a dwy gadair'."
ASK_BULKY_SLOT = (
    "Pa ddiwrnod fyddai'n gyfleus? Rydym yn casglu o 7am, felly rhowch yr eitemau allan y "
    "noson gynt."
)
NO_BULKY_SLOTS = (
    "Mae'n ddrwg gen i, does dim diwrnodau casglu ar ôl yn ystod y pedair wythnos nesaf yn "
    "eich ardal. Rhowch gynnig arall arni wythnos nesaf, neu siaradwch â pherson."
)
BAD_BULKY_SLOT = (
    "Mae'n ddrwg gen i, dydy'r diwrnod hwnnw ddim ar gael. Dewiswch un o'r diwrnodau a ddangosir."
)
ASK_CONFIRM_FREE = "A gaf i drefnu {day}? Does dim i'w dalu."
ASK_PAYMENT = (
    "I drefnu {day} mae angen i chi dalu {price} â cherdyn. Fe gadwaf y diwrnod i chi tra "
    "byddwch yn talu."
)
PAY_BUTTON = "Ymlaen i dalu"
BULKY_PAY_LINK = (
    "Rwy'n cadw {day} i chi tan {until}. Talwch {price} ar y dudalen dalu isod. Nid oes dim "
    "wedi'i drefnu nes bydd eich taliad wedi mynd drwodd: pan fydd, mae'r dudalen yn dangos "
    "cyfeirnod eich archeb."
)
PAY_LINK_TITLE = "Talu {price} am eich casgliad gwastraff swmpus"
PAYMENT_UNAVAILABLE = (
    "Mae'n ddrwg gen i, nid yw'r gwasanaeth talu yn ateb ar hyn o bryd, felly dydw i ddim "
    "wedi trefnu dim ac mae'r diwrnod yn rhydd eto. Rhowch gynnig arall arni ymhen ychydig "
    "funudau, neu siaradwch â pherson."
)
BULKY_NOT_BOOKED = "Iawn, dydw i ddim wedi trefnu dim."
SLOT_TAKEN = (
    "Mae'n ddrwg gen i, mae rhywun arall newydd gymryd y diwrnod hwnnw. Dewiswch ddiwrnod arall."
)
BULKY_BOOKED = (
    "Wedi'i drefnu. Eich cyfeirnod yw {reference}. Byddwn yn casglu ar {day}: rhowch yr "
    "eitemau y tu allan i'ch eiddo erbyn 7am (heb rwystro'r palmant)."
)

# --- cases ------------------------------------------------
ASK_CASE_REFERENCE = "Beth yw eich cyfeirnod? Mae'n dechrau gyda BDC, er enghraifft BDC-104233."
BAD_CASE_REFERENCE = (
    "Dydy hwnnw ddim yn edrych fel un o'n cyfeirnodau ni. Mae cyfeirnodau ceisiadau'n "
    "dechrau gyda BDC ac mae ganddynt 6 rhif, er enghraifft BDC-104233. Neu teipiwch 'stop'."
)
CASE_NOT_FOUND = (
    "Alla i ddim dod o hyd i gais gyda'r cyfeirnod hwnnw. Gwiriwch ef a'i deipio eto, neu "
    "teipiwch 'stop'."
)
CASE_STATUS = "Cais {reference} ({kind}): {status}."
CASE_TARGET = "Dyddiad targed: {day}."

# --- planning ------------------------------------------------
ASK_PLANNING_QUERY = (
    "Beth yw cyfeirnod y cais cynllunio (er enghraifft 26/01234/FUL), neu god post neu stryd "
    "y safle?"
)
BAD_PLANNING_QUERY = (
    "Rhowch gyfeirnod cynllunio fel 26/01234/FUL, cod post fel {example}, neu enw stryd."
)
PLANNING_NOT_FOUND = (
    "Alla i ddim dod o hyd i gais cynllunio gyda'r cyfeirnod hwnnw. Gwiriwch ef, os gwelwch yn dda."
)
PLANNING_NONE_FOUND = "Alla i ddim dod o hyd i geisiadau cynllunio ar gyfer y lle hwnnw."
PLANNING_PUBLIC = "Mae'r gofrestr gynllunio'n gyhoeddus, felly gall unrhyw un weld y manylion hyn."

# --- identity and balances ------------------------------------------------
VERIFY_INTRO = (
    "Cyn i mi ddangos {what}, mae angen i mi wirio mai chi sydd yno. Byddaf yn gofyn am "
    "gyfeirnod eich cyfrif, y cod post ac un manylyn arall. (Os ydych chi wedi mewngofnodi i "
    "Fy Nghyfrif, agorwch y sgwrs hon oddi yno ac ni fydd angen i mi ofyn.)"
)
ASK_VERIFY_REFERENCE = {
    "council_tax": (
        "Beth yw cyfeirnod eich cyfrif treth gyngor? Mae'n dechrau gyda CT, er enghraifft "
        "CT40012345."
    ),
    "rent": (
        "Beth yw cyfeirnod eich tenantiaeth? Mae'n dechrau gyda TEN, er enghraifft TEN-004512."
    ),
    "case": "Beth yw cyfeirnod eich achos? Mae'n dechrau gyda BDC, er enghraifft BDC-104233.",
}
BAD_VERIFY_REFERENCE = (
    "Dydy hwnnw ddim yn edrych fel cyfeirnod cyfrif. Mae cyfeirnodau treth gyngor yn edrych "
    "fel CT40012345 a chyfeirnodau tenantiaeth fel TEN-004512."
)
ASK_VERIFY_POSTCODE = "Beth yw cod post yr eiddo?"
ASK_VERIFY_FACT = (
    "Ac un gwiriad arall: dywedwch wrthyf naill ai swm eich taliad diwethaf, neu gyfenw "
    "person sydd wedi'i enwi ar y cyfrif."
)
BAD_VERIFY_FACT = (
    "Dywedwch wrthyf swm eich taliad diwethaf (fel £98.50) neu gyfenw, os gwelwch yn dda."
)
VERIFIED = "Diolch, mae hynny wedi'i gadarnhau."
VERIFY_FAILED = "Mae'n ddrwg gen i, allwn i ddim cadarnhau'r manylion hynny."
VERIFY_RETRY = "Gallwch roi cynnig arall arni, neu siarad â pherson."
VERIFY_RETRY_BUTTONS = [{"title": "Rhoi cynnig arall arni", "payload": "/affirm"}, HUMAN_BUTTON]
VERIFY_LOCKED = (
    "Er eich diogelwch alla i ddim gwirio rhagor o fanylion ar hyn o bryd. Gall un o'n "
    "cynghorwyr eich helpu yn lle hynny."
)
NOT_VERIFIED = "Mae angen i mi wirio mai chi sydd yno yn gyntaf."

# --- questions ------------------------------------------------
DID_THAT_HELP = "Oedd hynny'n help?"
HELPFUL_BUTTONS = [
    {"title": "Oedd", "payload": "/affirm"},
    {"title": "Nac oedd", "payload": "/deny"},
]
GLAD = "Da iawn, rwy'n falch bod hynny wedi helpu. Oes unrhyw beth arall?"
NOT_HELPFUL = (
    "Mae'n ddrwg gen i nad oedd hynny'n help. Gallwch ofyn mewn ffordd arall, gyda geiriau "
    "gwahanol, neu siarad â pherson."
)
REPHRASE = (
    "Mae'n ddrwg gen i, allwn i ddim dod o hyd i ateb da i hynny. Allwch chi ofyn mewn "
    "ffordd arall, gyda geiriau gwahanol?"
)
OFFER_HUMAN_AFTER_FAILURES = (
    "Mae'n ddrwg gen i, allwn i ddim dod o hyd i ateb i hynny chwaith. Hoffech chi siarad "
    "â pherson?"
)
OFFER_HUMAN_BUTTONS = [
    {"title": "Hoffwn, siarad â pherson", "payload": "/affirm"},
    {"title": "Dim diolch", "payload": "/deny"},
]
HUMAN_DECLINED = (
    "Iawn. Gallwch ofyn rhywbeth arall i mi, neu deipio 'siarad â pherson' unrhyw bryd."
)
KNOWLEDGE_DOWN = (
    "Mae'n ddrwg gen i, alla i ddim chwilio ein tudalennau help ar hyn o bryd. Rhowch gynnig "
    "arall arni mewn ychydig funudau, neu siaradwch â pherson."
)
OUT_OF_SCOPE = (
    "Mae'n ddrwg gen i, dim ond gyda gwasanaethau {council} y gallaf "
    "helpu, fel biniau, treth gyngor, tai a chynllunio."
)
TOO_LONG = (
    "Mae honno'n neges hir, felly dim ond ei dechrau rwyf wedi'i darllen. Os ydw i'n colli "
    "rhywbeth, gofynnwch eto mewn brawddeg neu ddwy."
)

# --- handover ------------------------------------------------
HANDOFF = (
    "Rwy'n eich trosglwyddo i aelod o'n tîm gwasanaethau cwsmeriaid. Byddan nhw'n gweld beth "
    "rydym wedi'i drafod, felly fydd dim angen i chi ailadrodd. Cadwch y ffenestr hon ar "
    "agor: fe welwch eich lle yn y ciw yma."
)
HANDOFF_CLOSED = (
    "Dydy ein cynghorwyr ddim ar gael ar hyn o bryd. Oriau agor: {hours}. Gallwch adael "
    "neges a byddwn yn cysylltu â chi."
)
HANDOFF_NOBODY_FREE = (
    "Does neb yn rhydd i sgwrsio ar hyn o bryd. Gallwch adael neges a byddwn yn cysylltu â chi."
)
HANDOFF_UNKNOWN = (
    "Rwy'n gofyn am aelod o'n tîm gwasanaethau cwsmeriaid nawr. Os nad oes neb yn rhydd, "
    "gallwch adael neges a byddwn yn cysylltu â chi."
)
HANDOFF_URGENT = (
    "Rwy'n eich trosglwyddo i aelod o'n tîm nawr, o flaen y ciw. Cadwch y ffenestr hon ar agor."
)
HANDOFF_URGENT_CLOSED = (
    "Dydy ein cynghorwyr ddim ar gael ar hyn o bryd. Rwyf wedi anfon ein sgwrs at y tîm fel "
    "mater brys, felly bydd person yn ei gweld yn gyntaf pan fyddan nhw'n ôl. Oriau agor: {hours}."
)
HANDOFF_URGENT_NOBODY_FREE = (
    "Does neb yn rhydd i sgwrsio'r funud hon. Rwyf wedi rhoi ein sgwrs yn gyntaf yn y ciw fel "
    "mater brys, felly bydd y person nesaf sy'n rhydd yn ei gweld yn gyntaf."
)
RISK_ADVICE = {
    "suicide": (
        "Os ydych chi mewn perygl nawr, ffoniwch 999. Gallwch siarad â'r Samariaid unrhyw bryd, "
        "am ddim, ar 116 123 (neu yn Gymraeg ar 0808 164 0123)."
    ),
    "domestic_abuse": (
        "Os ydych chi mewn perygl nawr, ffoniwch 999. Mae Llinell Gymorth Genedlaethol Cam-drin "
        "Domestig am ddim ac ar agor 24 awr: 0808 2000 247. Yng Nghymru, mae Byw Heb Ofn ar "
        "agor 24 awr: 0808 80 10 800."
    ),
    "safeguarding": "Os oes rhywun mewn perygl uniongyrchol, ffoniwch 999.",
    "homelessness": (
        "Os nad oes gennych unman diogel i aros heno, dywedwch wrth y cynghorydd ar unwaith er "
        "mwyn iddyn nhw allu helpu heddiw."
    ),
    "bereavement": "Mae'n ddrwg iawn gen i am eich colled.",
    "other": "Os ydych chi neu rywun arall mewn perygl nawr, ffoniwch 999.",
}

# Button titles and words that actions write inline rather than from a message.
TITLES = {
    "Bin collection days": "Diwrnodau casglu biniau",
    "Report a missed bin": "Rhoi gwybod am fin a fethwyd",
    "Planning applications": "Ceisiadau cynllunio",
    "When is it collected?": "Pryd mae'n cael ei gasglu?",
    "What would you like to do for that postcode?": (
        "Beth hoffech chi ei wneud ar gyfer y cod post hwnnw?"
    ),
    "Leave a message": "Gadael neges",
    # what VERIFY_INTRO is about to show (actions.balances.WHAT)
    "council tax balance": "balans eich treth gyngor",
    "rent balance": "balans eich rhent",
}

# Day and month names inside filled-in dates ("Tuesday 24 November").
DAYS_AND_MONTHS = {
    "Monday": "dydd Llun",
    "Tuesday": "dydd Mawrth",
    "Wednesday": "dydd Mercher",
    "Thursday": "dydd Iau",
    "Friday": "dydd Gwener",
    "Saturday": "dydd Sadwrn",
    "Sunday": "dydd Sul",
    "January": "Ionawr",
    "February": "Chwefror",
    "March": "Mawrth",
    "April": "Ebrill",
    "May": "Mai",
    "June": "Mehefin",
    "July": "Gorffennaf",
    "August": "Awst",
    "September": "Medi",
    "October": "Hydref",
    "November": "Tachwedd",
    "December": "Rhagfyr",
    "today": "heddiw",
    "tomorrow": "yfory",
}
# Short day and month names (a date on a button: "Tue 24 Nov" -> "Maw 24 Tach").
SHORT_DAYS = {
    "Mon": "Llun",
    "Tue": "Maw",
    "Wed": "Mer",
    "Thu": "Iau",
    "Fri": "Gwe",
    "Sat": "Sad",
    "Sun": "Sul",
}
SHORT_MONTHS = {
    "Jan": "Ion",
    "Feb": "Chwef",
    "Mar": "Maw",
    "Apr": "Ebr",
    "May": "Mai",
    "Jun": "Meh",
    "Jul": "Gorff",
    "Aug": "Awst",
    "Sep": "Medi",
    "Oct": "Hyd",
    "Nov": "Tach",
    "Dec": "Rhag",
}
# Opening hours as the handoff service describes them (handoff.hours.OpeningHours.describe):
# "Mon-Fri 08:30-17:30" -> "dydd Llun i ddydd Gwener 08:30-17:30" (actions.calendar_cy).
OPEN_ALWAYS = "Ar agor 24 awr"
CLOSED = "Ar gau"
DAY_RANGE = "{first} i {last_mutated}"  # "i" softens the day after it: dydd -> ddydd
DAY_LIST_AND = " a "


# --- rhoi gwybod am broblem ar y stryd (actions/reports.py) ---------------------------
PROBLEM_KINDS = {
    "fly_tipping": "Tipio anghyfreithlon",
    "graffiti": "Graffiti",
    "dog_fouling": "Baw cŵn",
    "abandoned_vehicle": "Cerbyd wedi'i adael",
    "street_lighting": "Golau stryd ddim yn gweithio",
}
ASK_PROBLEM_KIND = (
    "Am beth hoffech chi roi gwybod? Alla i ddim derbyn lluniau yn y sgwrs: os oes gennych "
    "chi un, rhoddaf ddolen i'n ffurflen ar-lein i chi ar y diwedd."
)
BAD_PROBLEM_KIND = (
    "Gallaf dderbyn adroddiadau am dipio anghyfreithlon, graffiti, baw cŵn, cerbydau wedi'u "
    "gadael a goleuadau stryd. Pa un yw e? Neu teipiwch 'stop'."
)
ASK_PROBLEM_LOCATION = (
    "Ble mae e? Rhowch enw'r stryd a rhywbeth gerllaw y gallwn ddod o hyd iddo, er enghraifft "
    "'Mill Lane, wrth yr arhosfan bws', neu god post."
)
BAD_PROBLEM_LOCATION = (
    "Mae angen enw stryd a thirnod arnaf, mewn 200 nod neu lai, er mwyn i'r tîm ddod o hyd "
    "iddo. Neu teipiwch 'stop'."
)
QUESTION_NOT_PROBLEM_DETAIL = (
    "Mae hynny'n swnio fel cwestiwn, felly dydw i ddim wedi'i roi yn eich adroddiad. I'w ofyn, "
    "teipiwch 'stop' i adael yr adroddiad yn gyntaf. Neu ewch ymlaen: {prompt}"
)
ASK_PROBLEM_DESCRIPTION = (
    "Disgrifiwch beth sydd yno, er enghraifft 'chwe bag du a matres'. Peidiwch â chynnwys "
    "manylion personol neb."
)
BAD_PROBLEM_DESCRIPTION = "Dywedwch ychydig mwy wrthyf am y broblem, neu teipiwch 'stop'."
PROBLEM_REPORTED = (
    "Diolch. Rydw i wedi rhoi gwybod amdano: {kind} yn {where}. Eich cyfeirnod yw {reference}. "
    "Ein nod yw delio ag ef erbyn {day}. Gallwch ofyn 'ble mae fy nghais?' i mi unrhyw bryd."
)
PROBLEM_PHOTO = "I ychwanegu llun, defnyddiwch ein ffurflen ar-lein yn lle hynny: {url}"
PROBLEM_REFUSED = (
    "Mae'n ddrwg gen i, ni allai system y cyngor dderbyn yr adroddiad hwn. Defnyddiwch ein "
    "ffurflen ar-lein, neu siaradwch â pherson."
)
