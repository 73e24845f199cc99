// The context panel's parts for one chat: the resident (always shown) and
// the tools, each a native <details> (keyboard and screen-reader friendly
// with no script): knowledge search (open), transfer, create a case, hand
// back, close with an outcome.

import { api } from "./api.js";
import { el, uid, money, humanise, safeLink, newClientId } from "./dom.js";
import { messageLanguage } from "./messages.js";

const OUTCOMES = ["resolved", "case_created", "resident_left", "no_response", "referred", "abusive"];
const CASE_TYPES = ["general_enquiry", "missed_bin", "bulky_waste", "fly_tipping", "repair", "complaint"];

// Built on first open, so a chat costs no requests for tools never used.
function section(title, build, { name, open = false, shortcut } = {}) {
  const body = el("div", { className: "tools__body" });
  const summary = el("summary", { text: title, "aria-keyshortcuts": shortcut });
  const details = el("details", { "data-tool": name }, [summary, body]);
  let built = false;
  const ensure = () => {
    if (details.open && !built) {
      built = true;
      build(body);
    }
  };
  details.addEventListener("toggle", ensure);
  if (open) {
    details.open = true;
    ensure();
  }
  return details;
}

function field(label, control, hint) {
  const id = control.id || uid("field");
  control.id = id;
  return el("div", { className: "form-group" }, [el("label", { for: id, text: label }), hint ? el("p", { className: "hint", text: hint }) : null, control]);
}

function select(options, { name, empty } = {}) {
  const node = el("select", { name });
  if (empty) node.append(el("option", { value: "", text: empty }));
  for (const [value, text] of options) node.append(el("option", { value, text }));
  return node;
}

function result() {
  return el("p", { className: "result-msg", role: "status" });
}

function showResult(node, text, isError = false) {
  node.textContent = text;
  node.classList.toggle("result-msg--error", isError);
  if (isError) node.lang = messageLanguage(); // the server's refusal, in the advisor's language
  else node.removeAttribute("lang");
}

async function submitting(form, work) {
  const buttons = form.querySelectorAll("button");
  buttons.forEach((button) => (button.disabled = true));
  try {
    return await work();
  } finally {
    buttons.forEach((button) => (button.disabled = false));
  }
}

// Who the resident is, shown as soon as the chat opens: their name and how
// they proved it when verified, with their balances and cases; otherwise a
// plain warning not to discuss any account.
export function residentPanel(chat) {
  const headingId = uid("resident");
  const body = el("div", { className: "resident__body" }, [el("p", { className: "muted", text: "Loading the resident's details…" })]);
  const root = el("section", { className: "context-section resident", "aria-labelledby": headingId }, [
    el("h3", { id: headingId, className: "context-section__title", text: "Resident" }),
    body,
  ]);
  async function load() {
    try {
      const data = await api("GET", `/advisor/conversations/${chat.id}/resident`);
      if (data.verified && data.name) chat.setName(data.name);
      chat.setTags({ verified: Boolean(data.verified) });
      body.replaceChildren(...residentView(chat, data));
    } catch (error) {
      body.replaceChildren(
        el("p", { className: "result-msg result-msg--error", lang: messageLanguage(), text: error.message }),
        el("button", { type: "button", className: "button button--small button--secondary", text: "Try again", on: { click: load } }),
      );
    }
  }
  load();
  return { root, load };
}

const METHOD_WORDS = {
  token: "signing in to their council account on the website",
  knowledge_check: "answering security questions with the online assistant (an account reference, the postcode and one more fact)",
};

// No method means a sign-in token that named no accounts: the website's
// sign-in is the only way a chat starts verified without one.
export function verifiedHow(method) {
  const parts = String(method || "token")
    .replace(/^bot:/, "")
    .split("+")
    .map((part) => METHOD_WORDS[part])
    .filter(Boolean);
  return parts.length ? `by ${parts.join(", and by ")}.` : "by the council's account system.";
}

function residentView(chat, data) {
  if (!data.verified) {
    return [
      el("p", { className: "resident__name", text: chat.label }),
      el("p", {}, [el("span", { className: "tag", text: "Not verified" })]),
      el("p", { text: "The resident has not confirmed their identity, so no personal details are shown. Do not discuss their account." }),
    ];
  }
  const cases = data.cases || [];
  const balances = data.balances || [];
  const facts = [
    ["Account", data.account_ref],
    ["Address", data.address],
  ].filter(([, value]) => value);
  return [
    el("p", { className: "resident__name", text: data.name || chat.label }),
    el("p", { className: "resident__how" }, [el("span", { className: "tag tag--verified", text: "Verified" }), " ", verifiedHow(data.method)]),
    facts.length ? el("dl", { className: "facts" }, facts.flatMap(([term, value]) => [el("dt", { text: term }), el("dd", { text: value })])) : null,
    el("h4", { className: "heading-s", text: "Balances" }),
    balances.length
      ? el("ul", { className: "data-list" }, balances.map((b) => el("li", { text: `${humanise(b.kind)} ${b.account}: ${money(b.amount_pence)}${b.in_arrears ? " (in arrears)" : ""}${b.recovery_stage && b.recovery_stage !== "none" ? ` (${humanise(b.recovery_stage)})` : ""}` })))
      : el("p", { className: "muted", text: "No accounts." }),
    el("h4", { className: "heading-s", text: "Cases" }),
    cases.length
      ? el("ul", { className: "data-list" }, cases.map((c) => el("li", { text: `${c.reference} · ${humanise(c.case_type || c.service_area)} · ${humanise(c.status)} · ${c.summary || ""}` })))
      : el("p", { className: "muted", text: "No cases." }),
  ].filter(Boolean);
}

export function knowledgeTool(chat) {
  return section("Knowledge base", (body) => {
    const input = el("input", { type: "search", name: "q", autocomplete: "off", maxlength: "200", "aria-keyshortcuts": "Alt+/" });
    const list = el("ul", { className: "results" });
    const status = result();
    const form = el("form", { role: "search" }, [
      field("Search articles", input),
      el("button", { type: "submit", className: "button button--small button--secondary", text: "Search" }),
    ]);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const q = input.value.trim();
      if (!q) return input.focus();
      showResult(status, "Searching…");
      try {
        const data = await api("GET", `/advisor/knowledge/search?q=${encodeURIComponent(q)}&language=${chat.language}&limit=5`);
        const results = data.results || [];
        list.replaceChildren(...results.map((article) => resultItem(chat, article, status)));
        showResult(status, results.length ? `${results.length} articles found.` : "No articles found.");
      } catch (error) {
        showResult(status, error.message, true);
      }
    });
    body.append(form, status, list);
  }, { name: "knowledge", open: true, shortcut: "Alt+/" });
}

function resultItem(chat, article, status) {
  const titleId = uid("article");
  const send = async (text, what) => {
    try {
      await chat.send(text, [{ title: article.title, url: article.url }]);
      showResult(status, `${what} sent to the resident.`);
    } catch (error) {
      showResult(status, error.message, true);
    }
  };
  return el("li", {}, [
    el("p", { id: titleId }, [safeLink(article.title, article.url)]),
    article.snippet ? el("p", { className: "muted", text: article.snippet }) : null,
    el("div", { className: "actions" }, [
      el("button", { type: "button", className: "button button--small", text: "Send link", "aria-describedby": titleId, on: { click: () => send(`This page should help: ${article.title}`, "Link") } }),
      article.snippet
        ? el("button", { type: "button", className: "button button--small button--secondary", text: "Send snippet", "aria-describedby": titleId, on: { click: () => send(article.snippet, "Snippet") } })
        : null,
    ]),
  ]);
}

export function transferTool(chat) {
  return section("Transfer", async (body) => {
    const status = result();
    const team = select([], { name: "team", empty: "Choose a team" });
    const advisor = select([], { name: "advisor", empty: "Anyone in the team" });
    const note = el("textarea", { name: "note", rows: "2", maxlength: "2000" });
    const form = el("form", {}, [
      field("Team", team),
      field("Or a named advisor", advisor, "Only advisors who are available now are listed."),
      field("Note for the next advisor (optional)", note),
      el("button", { type: "submit", className: "button button--small", text: "Transfer chat" }),
    ]);
    body.append(form, status);
    try {
      const data = await api("GET", "/advisor/teams");
      for (const t of data.items || []) {
        team.append(el("option", { value: t.slug, text: `${t.name}${t.open_now ? "" : " (closed)"} – ${t.available_advisors} available` }));
        for (const a of t.advisors || []) {
          if (a.user_id === chat.me.user_id || a.availability !== "available") continue;
          advisor.append(el("option", { value: String(a.user_id), text: `${a.display_name} (${t.name}, ${a.active} of ${a.cap} chats)` }));
        }
      }
    } catch (error) {
      showResult(status, error.message, true);
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!team.value && !advisor.value) {
        showResult(status, "Choose a team or an advisor.", true);
        return team.focus();
      }
      const payload = advisor.value ? { advisor_id: Number(advisor.value), note: note.value.trim() } : { team: team.value, note: note.value.trim() };
      await submitting(form, async () => {
        try {
          await api("POST", `/advisor/conversations/${chat.id}/transfer`, payload);
          showResult(status, "Transferred.");
        } catch (error) {
          showResult(status, error.message, true);
        }
      });
    });
  }, { name: "transfer", shortcut: "Alt+Shift+T" });
}

export function handBackTool(chat) {
  return section("Hand back to the bot", (body) => {
    const status = result();
    const note = el("textarea", { name: "note", rows: "2", maxlength: "2000" });
    const form = el("form", {}, [
      el("p", { className: "hint", text: "The resident goes back to the online assistant. Use this when they only need self-service now." }),
      field("Note (optional, advisors only)", note),
      el("button", { type: "submit", className: "button button--small button--secondary", text: "Hand back" }),
    ]);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await submitting(form, async () => {
        try {
          await api("POST", `/advisor/conversations/${chat.id}/hand-back`, { note: note.value.trim() });
          showResult(status, "Handed back to the bot.");
        } catch (error) {
          showResult(status, error.message, true);
        }
      });
    });
    body.append(form, status);
  }, { name: "hand-back" });
}

export function closeTool(chat) {
  return section("Close chat", (body) => {
    const status = result();
    const outcome = select(OUTCOMES.map((o) => [o, humanise(o)]), { name: "outcome" });
    const note = el("textarea", { name: "note", rows: "2", maxlength: "2000" });
    const form = el("form", {}, [
      field("Outcome", outcome),
      field("Note (optional, advisors only)", note),
      el("button", { type: "submit", className: "button button--small button--warning", text: "Close chat" }),
    ]);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await submitting(form, async () => {
        try {
          await api("POST", `/advisor/conversations/${chat.id}/close`, { outcome: outcome.value, note: note.value.trim() });
          showResult(status, "Chat closed.");
        } catch (error) {
          showResult(status, error.message, true);
        }
      });
    });
    body.append(form, status);
  }, { name: "close", shortcut: "Alt+Shift+C" });
}

export function caseTool(chat) {
  return section("Create a case", (body) => {
    const status = result();
    const type = select(CASE_TYPES.map((t) => [t, humanise(t)]), { name: "case_type" });
    const summary = el("textarea", { name: "summary", rows: "3", maxlength: "4000" });
    summary.value = chat.detail && chat.detail.summary ? chat.detail.summary : "";
    let clientId = newClientId(); // a repeated click makes one case, not two
    const form = el("form", {}, [
      field("Case type", type),
      field("Summary for the back office", summary, "The chat transcript is attached to the case."),
      el("button", { type: "submit", className: "button button--small", text: "Create case" }),
    ]);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!summary.value.trim()) {
        showResult(status, "Enter a summary.", true);
        return summary.focus();
      }
      await submitting(form, async () => {
        try {
          const data = await api("POST", `/advisor/conversations/${chat.id}/cases`, { case_type: type.value, summary: summary.value.trim(), client_id: clientId });
          showResult(status, `Case ${data.reference} created. The resident has been told the reference.`);
          clientId = newClientId();
        } catch (error) {
          showResult(status, error.message, true);
        }
      });
    });
    body.append(form, status);
  }, { name: "case" });
}
