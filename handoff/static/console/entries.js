// One transcript event as a list item, as the advisor sees it (including
// the advisor-only kinds: notes, the bot's handoff, transfers, outcomes).

import { el, clock, duration, safeLink, humanise } from "./dom.js";

const STATE_WORDS = { bot: "with the bot", waiting: "waiting in the queue", with_advisor: "with an advisor", closed: "closed" };
const LEFT_WORDS = { transferred: "transferred the chat", handed_back: "handed back to the bot", disconnected: "lost their connection", closed: "closed the chat" };

function who(data, residentLabel) {
  if (data.author === "resident") return residentLabel;
  if (data.author === "bot") return "Bot";
  if (data.author === "advisor") return data.author_name || "Advisor";
  return data.author_name || "System";
}

// the co-browse audit (handoff/cobrowse.py): who did what, and for how long
function cobrowseWords(data) {
  const by = data.by === "advisor" ? data.advisor_name || "the advisor" : data.by === "resident" ? "the resident" : "the system";
  const action = { requested: "asked for", allowed: "allowed", declined: "declined", started: "started", withdrawn: "withdrawn", stopped: "stopped" }[data.action] || data.action;
  const length = data.action === "stopped" && data.duration_seconds != null ? ` after ${duration(data.duration_seconds)}` : "";
  const why = data.reason && !["resident_stopped", "advisor_stopped"].includes(data.reason) ? ` (${humanise(data.reason)})` : "";
  return data.action === "started" ? "Co-browse started: the resident's page is shown." : `Co-browse ${action} by ${by}${length}${why}.`;
}

function describe(kind, data) {
  switch (kind) {
    case "state":
      return `Chat is now ${STATE_WORDS[data.state] || data.state}${data.reason ? ` (${humanise(data.reason)})` : ""}.`;
    case "advisor_joined":
      return `${data.first_name || "An advisor"} joined the chat.`;
    case "advisor_left":
      return `${data.first_name || "The advisor"} ${LEFT_WORDS[data.reason] || "left"}.`;
    case "notice":
      return `Notice to resident: ${data.text || humanise(data.code)}`;
    case "case_created":
      return `Case ${data.reference || ""} created.`;
    case "rating_request":
      return "The resident was asked to rate the chat.";
    case "rating":
      return `Resident rated the chat ${data.stars} out of 5${data.comment ? `: “${data.comment}”` : "."}`;
    case "handoff":
      return `Bot handed over: ${[data.reason && humanise(data.reason), data.service_area && humanise(data.service_area), data.priority, data.summary].filter(Boolean).join(" · ")}`;
    case "transfer": {
      const to = data.to_advisor ? `advisor ${data.to_advisor}` : `team ${humanise(data.to_team)}`;
      return `Transferred by ${data.from || "an advisor"} to ${to}${data.note ? `. Note: ${data.note}` : "."}`;
    }
    case "cobrowse":
      return cobrowseWords(data);
    case "understood":
      return `Bot read the message as “${humanise(data.intent)}”${typeof data.confidence === "number" ? ` (${Math.round(data.confidence * 100)}% sure)` : ""}.`;
    case "closed_outcome":
      return `Closed with outcome “${humanise(data.outcome)}”${data.note ? `. Note: ${data.note}` : "."}`;
    default:
      return humanise(kind);
  }
}

// A Welsh chat's resident and bot messages carry lang="cy", so a screen
// reader speaks them in Welsh; the console's own words stay English.
export function entryFor(event, { residentLabel, language = "en", pending = false }) {
  const data = event.data || {};
  const time = el("span", { className: "entry__when", text: clock(event.at) });
  if (event.kind === "message") {
    const fromResident = data.author === "resident";
    const spoken = language === "cy" && (fromResident || data.author === "bot") ? "cy" : null;
    const name = el("span", { className: fromResident ? "entry__name entry__name--resident" : "entry__name", text: who(data, residentLabel) });
    const item = el("li", { className: `entry entry--${data.author || "system"}${pending ? " entry--pending" : ""}` }, [
      el("p", { className: "entry__who" }, [name, " ", time]),
      el("p", { className: "entry__text", text: data.text || "", lang: spoken }),
    ]);
    const links = Array.isArray(data.links) ? data.links : [];
    if (links.length) item.append(el("ul", {}, links.map((link) => el("li", {}, [safeLink(link.section ? `${link.title}: ${link.section}` : link.title, link.url)]))));
    if (data.prompt) item.append(el("p", { className: "entry__text", text: data.prompt }));
    const buttons = Array.isArray(data.buttons) ? data.buttons : [];
    if (buttons.length) item.append(el("p", { className: "muted", text: `Offered replies: ${buttons.map((b) => b.title).join(", ")}` }));
    if (pending) item.append(el("p", { className: "muted", text: "Sending…" }));
    return item;
  }
  if (event.kind === "note") {
    return el("li", { className: `entry entry--note${pending ? " entry--pending" : ""}` }, [
      el("p", { className: "entry__who" }, [`Private note by ${data.author_name || "advisor"} `, time]),
      el("p", { className: "entry__text", text: data.text || "" }),
    ]);
  }
  return el("li", { className: "entry entry--event" }, [el("p", { className: "entry__text" }, [describe(event.kind, data), " ", time])]);
}
