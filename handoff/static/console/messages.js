// The console's messages to the advisor when the server says no, in English and
// Welsh: a sentence people understand, never the developer's text a code carries
// (a validation error names a field and a rule; an illegal move names internal
// states). The language is the advisor's choice, picked the way the editor picks
// it (?lang=cy remembered in a cookie, else the browser's Accept-Language): the
// server writes it on the page as <html data-message-lang>, and every element
// that shows one of these messages carries it as its lang attribute.

export const LANGUAGES = ["en", "cy"];

// key: [English, Welsh]. Every message the console can show from here has both.
export const MESSAGES = {
  // validation: a field named in plain words
  "field.missing": ["Enter {a_name}.", "Rhowch {object}."],
  "field.too_long": ["The {name} is too long. Shorten it and try again.", "Mae'r {name} yn rhy hir. Byrhewch y testun a rhowch gynnig arall arni."],
  "field.check": ["Check the {name} and try again.", "Gwiriwch {the_name} a rhowch gynnig arall arni."],
  // what the server said, as a code
  illegal_transition: [
    "This chat has changed since you opened it: it may have been closed, transferred or handed back. Look at the chat list and try again.",
    "Mae'r sgwrs hon wedi newid ers i chi ei hagor: efallai ei bod wedi'i chau, ei throsglwyddo neu ei rhoi yn ôl. Edrychwch ar y rhestr sgyrsiau a rhowch gynnig arall arni.",
  ],
  not_found: ["That chat is no longer there. It may have been closed.", "Nid yw'r sgwrs honno yno mwyach. Efallai ei bod wedi'i chau."],
  not_assigned: ["This chat is not assigned to you.", "Nid chi sy'n gyfrifol am y sgwrs hon."],
  already_taken: ["Another advisor has already taken this chat.", "Mae ymgynghorydd arall eisoes wedi cymryd y sgwrs hon."],
  at_capacity: ["You already have as many chats as you can take.", "Mae gennych eisoes gynifer o sgyrsiau ag y gallwch eu cymryd."],
  conversation_closed: ["This chat has ended.", "Mae'r sgwrs hon wedi dod i ben."],
  not_verified: ["The resident has not confirmed who they are yet.", "Nid yw'r preswylydd wedi cadarnhau pwy ydyw eto."],
  invalid: ["Check your answer and try again.", "Gwiriwch eich ateb a rhowch gynnig arall arni."],
  throttled: ["You have done that too many times. Wait a few seconds and try again.", "Rydych wedi gwneud hynny ormod o weithiau. Arhoswch ychydig eiliadau a rhowch gynnig arall arni."],
  busy: ["The chat service is very busy. Wait a few seconds and try again.", "Mae'r gwasanaeth sgwrsio yn brysur iawn. Arhoswch ychydig eiliadau a rhowch gynnig arall arni."],
  unavailable: ["The chat service cannot save messages for a moment. Wait a few seconds and try again.", "Ni all y gwasanaeth sgwrsio gadw negeseuon am ennyd. Arhoswch ychydig eiliadau a rhowch gynnig arall arni."],
  bot_unavailable: ["The chat assistant is not answering at the moment. Try again in a few minutes.", "Nid yw'r cynorthwyydd sgwrsio yn ateb ar hyn o bryd. Rhowch gynnig arall arni ymhen ychydig funudau."],
  backoffice_unavailable: ["The council's records are not answering at the moment. Try again in a few minutes.", "Nid yw cofnodion y cyngor yn ateb ar hyn o bryd. Rhowch gynnig arall arni ymhen ychydig funudau."],
  knowledge_unavailable: ["The knowledge base is not answering at the moment. Try again in a few minutes.", "Nid yw'r sylfaen wybodaeth yn ateb ar hyn o bryd. Rhowch gynnig arall arni ymhen ychydig funudau."],
  invalid_frame: ["The console sent something the server did not understand. Reload the page and try again.", "Anfonodd y consol rywbeth nad oedd y gweinydd yn ei ddeall. Ail-lwythwch y dudalen a rhowch gynnig arall arni."],
  frame_too_large: ["That message is too long. Shorten it and try again.", "Mae'r neges honno'n rhy hir. Byrhewch y testun a rhowch gynnig arall arni."],
  invalid_token: ["This chat's link is not valid. Reload the page and try again.", "Nid yw dolen y sgwrs hon yn ddilys. Ail-lwythwch y dudalen a rhowch gynnig arall arni."],
  origin_refused: ["This site may not open a chat.", "Ni chaiff y wefan hon agor sgwrs."],
  cobrowse_busy: ["Co-browsing has already been asked for, or is already on.", "Mae cais i gyd-bori eisoes wedi'i wneud, neu mae cyd-bori eisoes ymlaen."],
  cobrowse_off: ["The resident is not sharing their page.", "Nid yw'r preswylydd yn rhannu ei dudalen."],
  cobrowse_no_request: ["Nobody has asked to co-browse.", "Nid oes neb wedi gofyn am gyd-bori."],
  cobrowse_not_sharing: ["This page is not being shared.", "Nid yw'r dudalen hon yn cael ei rhannu."],
  permission_denied: ["You cannot do that with your role.", "Ni allwch wneud hynny gyda'ch rôl."],
  csrf_failed: ["This page has expired. Reload it and try again.", "Mae'r dudalen hon wedi dod i ben. Ail-lwythwch hi a rhowch gynnig arall arni."],
  not_authenticated: ["Your session has ended. Sign in again.", "Mae eich sesiwn wedi dod i ben. Mewngofnodwch eto."],
  network: ["The console could not reach the server. Check your connection and try again.", "Nid oedd y consol yn gallu cyrraedd y gweinydd. Gwiriwch eich cysylltiad a rhowch gynnig arall arni."],
  "sending.retrying": ["Not saved yet: the chat service is busy. Still trying…", "Heb ei chadw eto: mae'r gwasanaeth sgwrsio yn brysur. Yn dal i geisio…"],
  error: ["Something went wrong. Try again.", "Aeth rhywbeth o'i le. Rhowch gynnig arall arni."],
  // the server's plain sentences for the "invalid" code that say more than it
  "invalid.transfer_both": ["Transfer to a team or to an advisor, not both.", "Trosglwyddwch i dîm neu i ymgynghorydd, nid y ddau."],
  "invalid.advisor_away": ["That advisor is not available.", "Nid yw'r ymgynghorydd hwnnw ar gael."],
};

// Codes that share another code's words.
const SAME_AS = { invalid_json: "invalid_frame", unknown_type: "invalid_frame", handoff_error: "error", cobrowse: "error" };

// What a field is called: English; Welsh after "Mae'r" (name), with its article
// (the_name: "y" or "yr") and as the object of "Rhowch" (soft-mutated where
// Welsh mutates it).
export const FIELD_NAMES = {
  text: ["message", "neges", "y neges", "neges"],
  body: ["message", "neges", "y neges", "neges"],
  note: ["note", "nodyn", "y nodyn", "nodyn"],
  summary: ["summary", "crynodeb", "y crynodeb", "grynodeb"],
  outcome: ["outcome", "canlyniad", "y canlyniad", "ganlyniad"],
  case_type: ["case type", "math o achos", "y math o achos", "fath o achos"],
  team: ["team", "tîm", "y tîm", "dîm"],
  advisor_id: ["advisor", "ymgynghorydd", "yr ymgynghorydd", "ymgynghorydd"],
  status: ["status", "statws", "y statws", "statws"],
  reason: ["reason", "rheswm", "y rheswm", "reswm"],
  q: ["search", "chwiliad", "y chwiliad", "chwiliad"],
  query: ["search", "chwiliad", "y chwiliad", "chwiliad"],
  answer: ["answer", "ateb", "yr ateb", "ateb"],
};

// The server's English sentence for a code, when it says more than the code's
// own message (both languages then come from here).
const KNOWN_SENTENCES = {
  "Transfer to a team or to an advisor, not both.": "invalid.transfer_both",
  "That advisor is not available.": "invalid.advisor_away",
};

// Codes whose server sentence is already plain English and may be more exact than
// the catalogue's (an English advisor sees it as it is).
const PLAIN_FROM_SERVER = new Set(["not_assigned", "already_taken", "at_capacity", "throttled", "busy"]);

export function messageLanguage(root = globalThis.document) {
  const chosen = root && root.documentElement ? root.documentElement.getAttribute("data-message-lang") : null;
  return chosen === "cy" ? "cy" : "en";
}

export function text(key, lang = messageLanguage(), values = {}) {
  const pair = MESSAGES[key] || MESSAGES.error;
  const template = pair[lang === "cy" ? 1 : 0];
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

function fieldMessage(detail, lang) {
  const first = Array.isArray(detail) && detail.length ? detail[0] : null;
  const loc = first && Array.isArray(first.loc) ? first.loc.filter((part) => typeof part === "string") : [];
  const [english, welsh, theWelsh, object] = FIELD_NAMES[loc[loc.length - 1]] || FIELD_NAMES.answer;
  const values = lang === "cy"
    ? { name: welsh, the_name: theWelsh, object }
    : { name: english, a_name: `${/^[aeiou]/.test(english) ? "an" : "a"} ${english}` };
  const type = first ? String(first.type || "") : "";
  if (type === "missing" || type === "string_too_short") return text("field.missing", lang, values);
  if (type === "string_too_long" || type === "too_long") return text("field.too_long", lang, values);
  return text("field.check", lang, values);
}

// The console's own check before sending: "Enter a message." / "Rhowch neges."
export function missingField(field, lang = messageLanguage()) {
  return fieldMessage([{ loc: [field], type: "missing" }], lang);
}

// Messages people understand (GOV.UK style) for the server's codes, in the
// advisor's language. `message` is the server's English sentence.
export function plainMessage(status, code, message, detail, lang = messageLanguage()) {
  if (code === "invalid_request" || status === 422) {
    if (code === "invalid" && KNOWN_SENTENCES[message]) return text(KNOWN_SENTENCES[message], lang);
    return fieldMessage(detail, lang);
  }
  const key = SAME_AS[code] || code;
  if (key && MESSAGES[key] && !key.includes(".")) {
    if (lang === "en" && message && PLAIN_FROM_SERVER.has(key)) return message;
    return text(key, lang);
  }
  if (lang === "en" && message) return message;
  return text("error", lang);
}
