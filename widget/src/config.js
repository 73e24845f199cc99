// Reads the embedding <script> tag's data attributes into a plain config.
//
//   data-frontdoor-url   the handoff service (required; defaults to the
//                        script's own origin)
//   data-council         council name shown in the header
//   data-language        "en" or "cy" (Welsh)
//   data-colour          brand colour, #rgb or #rrggbb (launcher, header)
//   data-identity-token  optional verified-account token from "my account"
//   data-privacy-url     the council's privacy page (default: the knowledge
//                        site's privacy article on this page's host)
//   data-privacy-url-cy  its Welsh privacy page (default: data-privacy-url if
//                        given, else the knowledge site's Welsh article)

export const DEFAULT_COLOUR = "#1d70b8";
export const LANGUAGES = ["en", "cy"];

const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

export function normaliseColour(value, fallback = DEFAULT_COLOUR) {
  if (typeof value !== "string" || !HEX.test(value.trim())) return fallback;
  let hex = value.trim().toLowerCase();
  if (hex.length === 4) hex = "#" + [...hex.slice(1)].map((c) => c + c).join("");
  return hex;
}

function channel(value) {
  const c = value / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function luminance(hex) {
  const n = parseInt(hex.slice(1), 16);
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

export function contrastRatio(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

// Text on the brand colour: white or near-black, whichever reads better, so
// a council's pale brand colour never produces unreadable buttons.
export function textColourOn(background) {
  return contrastRatio(background, "#ffffff") >= contrastRatio(background, "#0b0c0c")
    ? "#ffffff"
    : "#0b0c0c";
}

export function normaliseLanguage(value, fallback = "en") {
  const lang = String(value || "").trim().toLowerCase().slice(0, 2);
  return LANGUAGES.includes(lang) ? lang : fallback;
}

function serviceUrlFrom(raw, scriptSrc, pageUrl) {
  for (const candidate of [raw, scriptSrc]) {
    if (!candidate) continue;
    try {
      const url = new URL(candidate, pageUrl);
      if (url.protocol === "http:" || url.protocol === "https:") {
        return raw === candidate ? url.href.replace(/\/+$/, "") : url.origin;
      }
    } catch {
      // try the next candidate
    }
  }
  return null;
}

export function readConfig(script, pageUrl, overrides = {}) {
  const data = (script && script.dataset) || {};
  const merged = { ...data, ...overrides };
  const colour = normaliseColour(merged.colour || merged.color);
  return {
    serviceUrl: serviceUrlFrom(merged.frontdoorUrl || merged.serviceUrl, script && script.src, pageUrl),
    council: String(merged.council || "").trim().slice(0, 120) || null,
    language: normaliseLanguage(merged.language),
    colour,
    colourText: textColourOn(colour),
    identityToken: merged.identityToken ? String(merged.identityToken) : null,
    privacyUrl: privacyUrls(merged, pageUrl),
  };
}

// The privacy page per language ({ en, cy }); null where the page names none,
// and the notice then links the knowledge site's own article (ui/panel.js).
function privacyUrls(merged, pageUrl) {
  const en = safePrivacyUrl(merged.privacyUrl, pageUrl);
  return { en, cy: safePrivacyUrl(merged.privacyUrlCy, pageUrl) || en };
}

// Only http(s) links: a data attribute must not become a javascript: link.
function safePrivacyUrl(value, pageUrl) {
  if (!value) return null;
  try {
    const url = new URL(String(value), pageUrl);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

// Where the socket lives: same host as the service, ws(s) scheme.
export function socketUrl(serviceUrl, path, params) {
  const url = new URL(path, serviceUrl + "/");
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, String(value));
  return url.href;
}
