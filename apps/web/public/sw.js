// honeyDue's service worker (decision 0019): the app opens without a network and shows the pages this device
// last saw. Plain JavaScript served as it is from public/: no build step, no library.
//
// - /_next/static/* and the icons: cache first (their names change with their content).
// - The household app's pages (and their photos under /files): network first; each answer is kept, and
//   without a network the kept copy is shown, or /offline when this page was never seen here.
// - Everything else (server actions, /api/*, sign-in, links carrying a token) goes to the network untouched.
// Writes made offline never pass through here: the page queues them in IndexedDB and replays them itself.

const SHELL = "hd-shell-v1";
const PAGES = "hd-pages-v1";
const OFFLINE_PAGE = "/offline";
const SHELL_FILES = [OFFLINE_PAGE, "/manifest.webmanifest", "/icon.svg", "/icon-192.png", "/icon-512.png"];

/** Pages worth keeping: the household app and the public pages. Never pages whose address holds a token. */
const KEPT_PAGES = /^\/(?:$|tasks(?:\/|$)|residences\/|privacy$|terms$|offline$)/;
const KEPT_FILES = /^\/files\/[0-9a-f-]{36}$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(SHELL_FILES))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  const current = new Set([SHELL, PAGES]);
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => !current.has(n)).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/_next/static/") || SHELL_FILES.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" && KEPT_PAGES.test(url.pathname)) {
    event.respondWith(networkFirst(request, true));
  } else if (KEPT_FILES.test(url.pathname)) {
    event.respondWith(networkFirst(request, false));
  }
  // Anything else (a client-side navigation's RSC fetch included) goes to the network; when that fails
  // offline, Next falls back to a full navigation, which the kept pages answer.
});

/**
 * From the page (src/components/offline-sync.tsx):
 * - keep: save these pages and assets (those of a page loaded before this worker took control);
 * - refresh: fetch again the kept pages at these paths (the changes feed says their data changed), or drop
 *   them when they are gone (404) or no longer this person's (a redirect to sign-in);
 * - forget: drop every kept page (someone signed out, another person signed in, a residence went away).
 * The page waits for the answer on the message's port.
 */
self.addEventListener("message", (event) => {
  const message = event.data ?? {};
  const work =
    message.type === "keep" && Array.isArray(message.urls)
      ? Promise.all(message.urls.map((u) => keep(String(u))))
      : message.type === "refresh" && Array.isArray(message.paths)
        ? refresh(new Set(message.paths.map(String)))
        : message.type === "forget"
          ? caches.delete(PAGES)
          : Promise.resolve();
  event.waitUntil(work.then(() => event.ports?.[0]?.postMessage("done")));
});

async function refresh(paths) {
  const cache = await caches.open(PAGES);
  const requests = (await cache.keys()).filter((r) => paths.has(new URL(r.url).pathname));
  await Promise.all(
    requests.map(async (request) => {
      try {
        const response = await fetch(request.url, { credentials: "same-origin" });
        if (keepable(response)) await cache.put(request, response);
        else if (response.status === 404 || response.redirected) await cache.delete(request);
      } catch (error) {
        console.warn("honeyDue offline: could not refresh", request.url, error);
      }
    }),
  );
}

async function keep(href) {
  const url = new URL(href, self.location.origin);
  if (url.origin !== self.location.origin) return;
  const asset = url.pathname.startsWith("/_next/static/");
  if (!asset && !KEPT_PAGES.test(url.pathname) && !KEPT_FILES.test(url.pathname)) return;
  const cache = await caches.open(asset ? SHELL : PAGES);
  if (asset && (await cache.match(url.href))) return;
  try {
    const response = await fetch(url.href, { credentials: "same-origin" });
    if (keepable(response)) await cache.put(url.href, response);
  } catch (error) {
    console.warn("honeyDue offline: could not keep", url.pathname, error);
  }
}

/** Only whole, same-origin answers; a page that redirected (say to sign-in) is not the page asked for. */
function keepable(response) {
  return response.ok && response.type === "basic" && !response.redirected;
}

async function cacheFirst(request) {
  const cache = await caches.open(SHELL);
  const kept = await cache.match(request, { ignoreVary: true });
  if (kept) return kept;
  const response = await fetch(request);
  if (keepable(response)) await cache.put(request, response.clone());
  return response;
}

async function networkFirst(request, isPage) {
  const cache = await caches.open(PAGES);
  try {
    const response = await fetch(request);
    if (keepable(response)) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(request, { ignoreVary: true });
    if (kept) return kept;
    if (isPage) {
      const offline = await caches.match(OFFLINE_PAGE, { ignoreVary: true });
      if (offline) return offline;
    }
    throw error;
  }
}
