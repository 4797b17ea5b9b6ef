// The field entries saved on the phone and not yet acknowledged by the
// registry, in IndexedDB so they outlive a reload, a closed tab and a day
// without signal. Each entry is one village's count with the request_id
// made when it was saved: sending it again after a lost answer is applied
// once by the registry, so an entry is removed only after the server said
// yes, and resending is always safe.
//
// Entries carry the token that recorded them (not the secret: its name)
// and are sent only in a session of that token, so a phone passed to
// another officer never sends one person's work under another's name.
//
// Sending is tried when the app loads, when the browser says it is back
// online, every half minute while something waits, and on "Kirim sekarang".
// A change fires `outboxchange` on window (`detail.sent` once the server
// has an entry).

import { api, session } from "./api.js";
import { errorText } from "./ui.js";

const DB_NAME = "jemput-field";
const STORE = "outbox";
const RETRY_MS = 30000;

let dbPromise = null;

function database() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const opening = indexedDB.open(DB_NAME, 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore(STORE, { keyPath: "request_id" });
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    }).catch((error) => {
      dbPromise = null;
      throw error;
    });
  }
  return dbPromise;
}

/** Runs `work(store)` in one transaction; resolves after it commits. */
async function transaction(mode, work) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = work(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request ? request.result : undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** `sent`: the change is an entry the server acknowledged. */
function changed(sent = false) {
  window.dispatchEvent(new CustomEvent("outboxchange", { detail: { sent } }));
}

/** Entries still waiting, oldest first. */
export async function waiting() {
  const entries = (await transaction("readonly", (store) => store.getAll())) || [];
  return entries.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.order - b.order);
}

/**
 * Saves one entry per report ({region, display_name, kecamatan_name, count,
 * activation_date, team}), each with a request_id of its own.
 */
export async function save(reports, token) {
  const created_at = new Date().toISOString();
  const entries = reports.map((report, order) => ({ request_id: crypto.randomUUID(), token, created_at, order, report, error: null }));
  await transaction("readwrite", (store) => {
    for (const entry of entries) store.add(entry);
  });
  changed();
  return entries;
}

/** Drops an entry the registry refused (a person decided to). */
export async function discard(requestId) {
  await transaction("readwrite", (store) => store.delete(requestId));
  changed();
}

function body(entry) {
  const { region, count, activation_date, team } = entry.report;
  return { request_id: entry.request_id, reports: [{ region, count, activation_date, team }] };
}

/** A failure worth trying again later: no network, or the server's trouble. */
function transient(error) {
  return error.code === "NETWORK" || error.status === 0 || error.status === 401 || error.status === 408 || error.status === 429 || error.status >= 500;
}

let sending = null;
let again = false;

/**
 * Sends every waiting entry of this session's token; resolves to {sent, left}.
 * A call while a round is under way runs one more after it, so entries
 * saved meanwhile are not left for the next retry.
 */
export function flush() {
  if (sending) {
    again = true;
    return sending;
  }
  sending = (async () => {
    let total = 0;
    let result;
    do {
      again = false;
      result = await sendAll();
      total += result.sent;
    } while (again);
    return { sent: total, left: result.left };
  })().finally(() => {
    sending = null;
  });
  return sending;
}

async function sendAll() {
  const entries = await waiting();
  if (!entries.length) return { sent: 0, left: 0 };
  let me;
  try {
    me = await session();
  } catch {
    return { sent: 0, left: entries.length };
  }
  let sent = 0;
  for (const entry of entries) {
    if (entry.error || (entry.token && entry.token !== me.token)) continue;
    try {
      await api("/api/activations", { body: body(entry) });
    } catch (error) {
      if (transient(error)) break;
      // Refused as asked (a village outside the token's scope, a date in
      // the future): it stays, with the reason, until a person drops it.
      await transaction("readwrite", (store) => store.put({ ...entry, error: errorText(error) }));
      changed();
      continue;
    }
    await transaction("readwrite", (store) => store.delete(entry.request_id));
    sent++;
    changed(true);
  }
  return { sent, left: (await waiting()).length };
}

let started = false;

/** Starts sending in the background (once per page load). */
export function start() {
  if (started || !("indexedDB" in window)) return;
  started = true;
  const attempt = () => flush().catch((error) => console.warn("sending field entries", error));
  window.addEventListener("online", attempt);
  setInterval(() => {
    if (document.visibilityState !== "visible" || !navigator.onLine) return;
    waiting()
      .then((entries) => entries.some((e) => !e.error) && attempt())
      .catch((error) => console.warn("reading field entries", error));
  }, RETRY_MS);
  attempt();
}
