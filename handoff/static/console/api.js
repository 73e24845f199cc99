// JSON calls to /api/v1 with the session cookie and the CSRF header
// (PROTOCOL.md §3.1). Errors come back as ApiError with the server's code
// and a sentence fit to show the advisor.

import { plainMessage, text } from "./messages.js";

const csrfMeta = document.querySelector('meta[name="csrf-token"]');
let csrfToken = csrfMeta ? csrfMeta.getAttribute("content") : "";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || text("error"));
    this.status = status;
    this.code = code || "error";
  }
}

export function setCsrfToken(token) {
  if (token) csrfToken = token;
}

export async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken;
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError(0, "network", text("network"));
  }
  if (response.status === 401) {
    window.location.assign(`/console/login?next=${encodeURIComponent(window.location.pathname)}`);
    throw new ApiError(401, "not_authenticated", text("not_authenticated"));
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const code = data && (typeof data.error === "string" ? data.error : data.error && data.error.code);
    const message = data && (data.message || (data.error && data.error.message));
    throw new ApiError(response.status, code, plainMessage(response.status, code, message, data && data.detail));
  }
  return data;
}
