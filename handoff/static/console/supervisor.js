// Supervisor view: live queue lengths, waits and advisors' load per team,
// polled every 5 seconds (PROTOCOL.md §3.2). Updates are not announced
// (they would drown a screen reader); the "updated" time says they happen.

import { api } from "./api.js";
import { el, duration, clock } from "./dom.js";
import { messageLanguage } from "./messages.js";

const REFRESH_MS = 5000;
const $ = (id) => document.getElementById(id);

function cell(text, { numeric = false, warn = false, header = false } = {}) {
  return el(header ? "th" : "td", { scope: header ? "row" : null, className: [numeric && "numeric", warn && "is-warning"].filter(Boolean).join(" ") || null, text });
}

function render(data) {
  const teams = data.teams || [];
  $("teams-body").replaceChildren(
    ...teams.map((team) => {
      const advisors = team.advisors || [];
      const available = advisors.filter((a) => a.availability === "available" && a.connected).length;
      const active = advisors.reduce((sum, a) => sum + (a.active || 0), 0);
      const cap = advisors.filter((a) => a.availability === "available").reduce((sum, a) => sum + (a.cap || 0), 0);
      return el("tr", {}, [
        cell(team.name, { header: true }),
        cell(team.open_now ? "Yes" : "No"),
        cell(String(team.queue_length), { numeric: true, warn: team.queue_length > 0 && available === 0 }),
        cell(String(team.urgent), { numeric: true, warn: team.urgent > 0 }),
        cell(team.queue_length ? duration(team.longest_wait_seconds) : "–", { numeric: true, warn: team.longest_wait_seconds > 300 }),
        cell(team.queue_length ? duration(team.average_wait_seconds) : "–", { numeric: true }),
        cell(String(available), { numeric: true }),
        cell(`${active} / ${cap}`, { numeric: true }),
      ]);
    }),
  );
  const people = new Map();
  for (const team of teams) {
    for (const a of team.advisors || []) {
      const entry = people.get(a.user_id) || { ...a, teams: [] };
      entry.teams.push(team.name);
      people.set(a.user_id, entry);
    }
  }
  $("advisors-body").replaceChildren(
    ...[...people.values()].map((a) =>
      el("tr", {}, [
        cell(a.display_name || `Advisor ${a.user_id}`, { header: true }),
        cell(a.teams.join(", ")),
        cell(a.availability === "available" ? "Available" : "Away"),
        cell(a.connected ? "Connected" : "Not connected", { warn: a.availability === "available" && !a.connected }),
        cell(String(a.active), { numeric: true, warn: a.active >= a.cap }),
        cell(String(a.offers || 0), { numeric: true }),
        cell(String(a.cap), { numeric: true }),
      ]),
    ),
  );
  if (!people.size) $("advisors-body").replaceChildren(el("tr", {}, [el("td", { colspan: "7", text: "No advisors in any team." })]));
  $("updated").textContent = `Last updated ${clock(data.generated_at) || clock(new Date().toISOString())}.`;
}

async function refresh() {
  const box = $("supervisor-error");
  try {
    render(await api("GET", "/supervisor/overview"));
    box.hidden = true;
  } catch (failure) {
    box.hidden = false;
    box.replaceChildren(el("p", { className: "error-message", lang: messageLanguage(), text: failure.message }));
  } finally {
    setTimeout(refresh, REFRESH_MS);
  }
}

refresh();
