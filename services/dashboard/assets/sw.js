// The service worker: lets the field page open without a signal.
//
// It keeps two caches and nothing else:
// - the shell: the page (`/`) and its files under /assets/, the same for
//   every user;
// - the field days: the answers of GET /api/field the signed-in user
//   fetched (their team's stops and the district's villages), so the page
//   shows them offline. The page deletes this cache when the user signs
//   out, and the worker deletes it when the server answers 401 (the
//   session is gone), so the next person on the phone does not see them.
//
// Both are network first: online, the page gets the server's answer (a new
// dashboard version, a sign-in redirect, a fresh day); a kept copy answers
// only when the server cannot be reached or a weak signal keeps it waiting. No other API answer is cached,
// and writes are never touched: the page queues them itself (outbox.js).
// Served from /sw.js so its scope is the whole dashboard.

const SHELL_CACHE = "jemput-shell-v1";
const FIELD_CACHE = "jemput-field-days-v1";
/** Where the last field day is also kept, for a reload that asks for it by another URL. */
const LAST_FIELD_DAY = "/api/field?last";

const SHELL = [
  "/",
  "/assets/style.css",
  "/assets/favicon.svg",
  "/assets/errors.js",
  "/assets/app.js",
  "/assets/api.js",
  "/assets/i18n.js",
  "/assets/ui.js",
  "/assets/map.js",
  "/assets/charts.js",
  "/assets/gaps.js",
  "/assets/plan.js",
  "/assets/scenarios.js",
  "/assets/province.js",
  "/assets/plans.js",
  "/assets/audit.js",
  "/assets/field.js",
  "/assets/outbox.js",
];

/** Only a page's own successful answer is worth keeping (not a redirect to sign-in). */
function keepable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected;
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      // One by one: a file that fails now is cached the next time it loads.
      await Promise.all(
        SHELL.map(async (path) => {
          try {
            const response = await fetch(path, { cache: "no-cache", redirect: "manual" });
            if (keepable(response)) await cache.put(path, response);
          } catch {
            // Offline while installing: the runtime caching fills it in.
          }
        })
      );
      await self.skipWaiting();
    })()
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const current = [SHELL_CACHE, FIELD_CACHE];
      for (const name of await caches.keys()) {
        if (name.startsWith("jemput-") && !current.includes(name)) await caches.delete(name);
      }
      // Take over the page that registered us, so its next field fetch is kept.
      await self.clients.claim();
    })()
  );
});

/** How long a weak signal gets before a kept copy answers instead. */
const NETWORK_WAIT_MS = 4000;

/**
 * The server's answer, kept for later; the kept copy when the server cannot
 * be reached, or has not answered within NETWORK_WAIT_MS (a village's weak
 * signal) and a copy exists. A late answer still refreshes the copy.
 */
function networkFirst(event, cacheName, cacheKey, fallbackKey) {
  const network = fetch(event.request).then(async (response) => {
    if (keepable(response)) {
      const cache = await caches.open(cacheName);
      await cache.put(cacheKey, response.clone());
      if (fallbackKey) await cache.put(fallbackKey, response.clone());
    } else if (response.status === 401 && cacheName === FIELD_CACHE) {
      await caches.delete(FIELD_CACHE);
    }
    return response;
  });
  // Keep the worker alive for a late answer, which only refreshes the copy.
  event.waitUntil(network.catch(() => null));
  const kept = async () => {
    const cache = await caches.open(cacheName);
    return (await cache.match(cacheKey)) || (fallbackKey ? await cache.match(fallbackKey) : undefined);
  };
  return (async () => {
    let timer;
    const slow = new Promise((resolve) => {
      timer = setTimeout(resolve, NETWORK_WAIT_MS, null);
    });
    try {
      const first = await Promise.race([network, slow]);
      if (first) return first;
      return (await kept()) || (await network);
    } catch (error) {
      const copy = await kept();
      if (copy) return copy;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  })();
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === "/") {
    // Every route of the page is `/#/…`: one cached document serves them all.
    event.respondWith(networkFirst(event, SHELL_CACHE, "/"));
  } else if (url.pathname.startsWith("/assets/")) {
    event.respondWith(networkFirst(event, SHELL_CACHE, url.pathname));
  } else if (url.pathname === "/api/field") {
    event.respondWith(networkFirst(event, FIELD_CACHE, url.pathname + url.search, LAST_FIELD_DAY));
  }
});
