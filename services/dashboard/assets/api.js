// Calls to the dashboard's HTTP API. Writes carry the session's CSRF token
// (the server refuses them without it); a 401 means the session is gone,
// so the page goes back to sign-in. Errors arrive as
// {error: {code, message, localized, violations, preconditions}} and become
// ApiError, so a form can put each violation beside its field. The services
// say each problem in English and in Indonesian (`localized`); the error
// speaks the page's language.

import { lang } from "./i18n.js";

/** `text`, or its Indonesian where the page is in Indonesian and has it. */
function spoken(text, localized) {
  return lang() === "id" && localized && String(localized.locale || "").startsWith("id") && localized.message ? localized.message : text;
}

export class ApiError extends Error {
  constructor(status, error) {
    const indonesian = spoken(null, error.localized);
    super(indonesian || error.message || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = error.code || "UNKNOWN";
    this.violations = (error.violations || []).map((v) => ({ ...v, description: spoken(v.description, v.localized) }));
    this.preconditions = error.preconditions || [];
    // The Indonesian message already names every precondition in
    // Indonesian, where the list's descriptions are English.
    this.saysPreconditions = Boolean(indonesian);
  }
}

async function parse(response) {
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (response.status === 401) {
    // Signed out (or the token was revoked): back to the sign-in page.
    location.assign("/login");
  }
  if (!response.ok) {
    const error = data && data.error ? data.error : { message: text || response.statusText };
    throw new ApiError(response.status, error);
  }
  return data;
}

let sessionPromise = null;

/** The signed-in session: {csrf_token, token, role, display_name}. */
export function session() {
  if (!sessionPromise) {
    sessionPromise = fetch("/api/session").then(parse).catch((error) => {
      sessionPromise = null;
      throw error;
    });
  }
  return sessionPromise;
}

/** Headers every write carries: the session's CSRF token. */
async function writeHeaders(extra = {}) {
  const { csrf_token } = await session();
  return { ...extra, "x-csrf-token": csrf_token };
}

/** GET (or, with `body`, POST) a JSON endpoint. */
export async function api(path, { body, method, signal } = {}) {
  const options = { method: method || (body === undefined ? "GET" : "POST"), signal };
  if (options.method !== "GET") options.headers = await writeHeaders();
  if (body !== undefined) {
    options.headers = { ...(options.headers || {}), "content-type": "application/json" };
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, { code: "NETWORK", message: String(error.message || error) });
  }
  return parse(response);
}

/** POSTs `body` and saves the answer as a file named `filename`. */
export async function download(path, body, filename) {
  const response = await fetch(path, {
    method: "POST",
    headers: await writeHeaders({ "content-type": "application/json" }),
    body: JSON.stringify(body),
  });
  if (!response.ok) await parse(response);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
