// The two REST calls the widget makes (PROTOCOL.md §2.1, §2.2).

export class ApiError extends Error {
  constructor(status, code) {
    super(`handoff service answered ${status}${code ? ` (${code})` : ""}`);
    this.status = status;
    this.code = code;
  }
}

async function errorFrom(response) {
  let code = "";
  try {
    const body = await response.json();
    code = (body && body.error && body.error.code) || "";
  } catch {
    // not JSON: the status says enough
  }
  return new ApiError(response.status, code);
}

export function createApi(serviceUrl, fetchImpl = (...args) => globalThis.fetch(...args)) {
  const url = (path) => new URL(path, serviceUrl + "/").href;

  return {
    async startConversation({ language, pageUrl, identityToken }) {
      const body = { language, page_url: pageUrl };
      if (identityToken) body.identity_token = identityToken;
      const response = await fetchImpl(url("api/v1/conversations"), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
        credentials: "omit",
      });
      if (!response.ok) throw await errorFrom(response);
      return response.json();
    },

    async transcript(conversationId, token) {
      const response = await fetchImpl(
        url(`api/v1/conversations/${encodeURIComponent(conversationId)}/transcript`),
        { headers: { Authorization: `Bearer ${token}` }, credentials: "omit" },
      );
      if (!response.ok) throw await errorFrom(response);
      return response.json();
    },
  };
}
