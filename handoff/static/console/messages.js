// The console's messages to the advisor when the server says no: a sentence
// people understand, never the developer's text a code carries (a validation
// error names a field and a rule; an illegal move names internal states).

// What a field is called in a message to the advisor.
const FIELD_NAMES = {
  text: "message", body: "message", note: "note", summary: "summary", outcome: "outcome",
  case_type: "case type", team: "team", advisor_id: "advisor", status: "status",
  reason: "reason", q: "search", query: "search",
};

// Messages people understand (GOV.UK style) for the server's codes that carry a
// developer's sentence: a validation error, a move the chat no longer allows.
export function plainMessage(status, code, message, detail) {
  if (code === "invalid_request" || status === 422) {
    const first = Array.isArray(detail) && detail.length ? detail[0] : null;
    const loc = first && Array.isArray(first.loc) ? first.loc.filter((part) => typeof part === "string") : [];
    const name = FIELD_NAMES[loc[loc.length - 1]] || "answer";
    const type = first ? String(first.type || "") : "";
    if (type === "missing" || type === "string_too_short") return `Enter a ${name}.`;
    if (type === "string_too_long" || type === "too_long") return `The ${name} is too long. Shorten it and try again.`;
    return `Check the ${name} and try again.`;
  }
  if (code === "illegal_transition") {
    return "This chat has changed since you opened it: it may have been closed, transferred or handed back. Look at the chat list and try again.";
  }
  if (code === "not_found") {
    return "That chat is no longer there. It may have been closed.";
  }
  return message;
}
