"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { formatDay } from "../lib/format.ts";
import {
  dismissRefused,
  QUEUE_CHANGED,
  type QueuedWrite,
  queuedWrites,
  type RefusedWrite,
  readMeta,
  refusedWrites,
  refuseWrite,
  removeWrite,
  USER_META,
  writeMeta,
} from "../lib/offline-store.ts";
import { strings } from "../strings.ts";

// The page's half of offline use (decision 0019): registers the service worker, replays the writes queued
// offline through /api/queue when the network is back, then reads the changes feed (/api/sync) so the pages
// this device keeps are fetched again where the server's data changed, and shows the person what is waiting
// and what the server did not apply.

const RETRY_MS = 30_000;

type Outcome =
  | { outcome: "applied"; taskId: string }
  | { outcome: "conflict"; detail: string | null; task: RefusedWrite["task"] }
  | { outcome: "rejected"; detail: string | null };

interface SyncPage {
  nextCursor: string;
  hasMore: boolean;
  changes: { type: string; id: string; residenceId: string | null; op: string; taskId?: string }[];
}

/** Asks the service worker to do something with its kept pages and waits until it has. */
async function tellWorker(message: Record<string, unknown>): Promise<void> {
  const registration = await navigator.serviceWorker?.ready;
  const worker = registration?.active;
  if (!worker) return;
  await new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    worker.postMessage(message, [channel.port2]);
  });
}

/** Sends one queued write; false when it must wait (offline, signed out, the server busy or failing). */
async function replay(write: QueuedWrite): Promise<"sent" | "wait" | "signed-out"> {
  const form = new FormData();
  for (const [name, value] of write.fields) form.append(name, value);
  form.set("act", write.act);
  let response: Response;
  try {
    response = await fetch("/api/queue", {
      method: "POST",
      headers: { "idempotency-key": write.key },
      body: form,
    });
  } catch {
    return "wait";
  }
  if (response.status === 401) return "signed-out";
  if (!response.ok) return "wait";
  const answer = (await response.json()) as Outcome;
  if (answer.outcome === "applied") {
    await removeWrite(write.key);
  } else {
    await refuseWrite({
      key: write.key,
      userId: write.userId,
      act: write.act,
      label: write.label,
      taskId: write.taskId,
      kind: answer.outcome,
      detail: answer.detail,
      task: answer.outcome === "conflict" ? answer.task : null,
      at: write.queuedAt,
    });
  }
  return "sent";
}

/** The kept pages whose data a change touches; "all" when kept pages may show what the person lost. */
function stalePaths(changes: SyncPage["changes"], userId: string): Set<string> | "all" {
  const paths = new Set<string>();
  for (const c of changes) {
    const residence = c.residenceId ? `/residences/${c.residenceId}` : null;
    if (c.type === "residence" && c.op === "delete") return "all";
    if (c.type === "member" && c.op === "delete" && c.id === userId) return "all";
    if (residence) paths.add(residence);
    if (c.type === "task") paths.add(`/tasks/${c.id}`).add(`/tasks/${c.id}/edit`).add("/tasks");
    if (c.type === "completion" && c.taskId) paths.add(`/tasks/${c.taskId}`);
    if (c.type === "residence") paths.add("/tasks");
    if ((c.type === "contractor" || c.type === "document" || c.type === "appliance") && residence) {
      paths.add(`${residence}/${c.type}s`).add(`${residence}/${c.type}s/${c.id}`);
    }
  }
  return paths;
}

/**
 * Reads the changes feed from where this device last stopped and refreshes the kept pages it touches. The
 * first time (no cursor) it only walks the snapshot to its end: the kept pages were fetched just now.
 */
async function reconcile(userId: string): Promise<boolean> {
  const cursorName = `cursor:${userId}`;
  let cursor = await readMeta(cursorName);
  const fresh = cursor === null;
  let changed = false;
  for (let page = 0; page < 1000; page++) {
    const response = await fetch(`/api/sync${cursor ? `?since=${encodeURIComponent(cursor)}` : ""}`);
    if (response.status === 410) {
      // Too old to continue: start again, and treat every kept page as stale.
      await writeMeta(cursorName, null);
      await tellWorker({ type: "forget" });
      return reconcile(userId);
    }
    if (!response.ok) return changed;
    const body = (await response.json()) as SyncPage;
    if (!fresh && body.changes.length > 0) {
      const paths = stalePaths(body.changes, userId);
      await tellWorker(paths === "all" ? { type: "forget" } : { type: "refresh", paths: [...paths] });
      changed = true;
    }
    cursor = body.nextCursor;
    await writeMeta(cursorName, cursor);
    if (!body.hasMore) break;
  }
  return changed;
}

let running: Promise<void> | null = null;

export function OfflineSync({ signedIn }: { signedIn: boolean }) {
  const router = useRouter();
  const [online, setOnline] = useState(true);
  const [userId, setUserId] = useState<string | null>(null);
  const [waiting, setWaiting] = useState<QueuedWrite[]>([]);
  const [refused, setRefused] = useState<RefusedWrite[]>([]);
  const [sending, setSending] = useState(false);
  const [signInAgain, setSignInAgain] = useState(false);

  const load = useCallback(async (who: string | null) => {
    setWaiting(who ? await queuedWrites(who) : []);
    setRefused(who ? await refusedWrites(who) : []);
  }, []);

  /** Replays this person's queue in order, then reconciles with the changes feed. One run at a time. */
  const flush = useCallback(
    (who: string) => {
      running ??= (async () => {
        try {
          const queue = await queuedWrites(who);
          let sent = 0;
          if (queue.length > 0) setSending(true);
          for (const write of queue) {
            const result = await replay(write);
            setSignInAgain(result === "signed-out");
            if (result !== "sent") break;
            sent++;
          }
          const changed = navigator.onLine ? await reconcile(who) : false;
          if (sent > 0 || changed) router.refresh();
        } catch (error) {
          if (error instanceof TypeError) setOnline(false);
          else console.warn("honeyDue offline: replay failed", error);
        } finally {
          setSending(false);
          running = null;
          await load(who);
        }
      })();
      return running;
    },
    [load, router],
  );

  useEffect(() => {
    if (!("serviceWorker" in navigator) || !("indexedDB" in window)) return;
    const controlled = Boolean(navigator.serviceWorker.controller);
    navigator.serviceWorker
      .register("/sw.js")
      .then(async () => {
        // Assets (and the page itself) loaded before the worker took control are kept now.
        const assets = performance
          .getEntriesByType("resource")
          .map((e) => e.name)
          .filter((u) => u.startsWith(`${location.origin}/_next/static/`));
        await tellWorker({ type: "keep", urls: controlled ? assets : [...assets, location.href] });
      })
      .catch((error) => console.warn("honeyDue offline: no service worker", error));

    let who: string | null = null;
    const start = async () => {
      setOnline(navigator.onLine);
      const known = await readMeta(USER_META);
      who = known;
      // Only the server says who is signed in: a kept page (the offline page above all) may have been
      // rendered for someone else, or for nobody. Without an answer, the person last seen stays.
      if (signedIn || known) {
        const response = await fetch("/api/session").catch(() => null);
        // navigator.onLine is only a hint: a request that cannot leave says more.
        if (!response) setOnline(false);
        if (response?.ok) {
          const body = (await response.json()) as { userId: string | null };
          who = body.userId;
          // Someone signed out, or another person signed in: the kept pages are not theirs to see.
          if (who !== known) {
            await tellWorker({ type: "forget" });
            await writeMeta(USER_META, who);
          }
        }
      }
      setUserId(who);
      await load(who);
      if (who && navigator.onLine) await flush(who);
    };
    start().catch((error) => console.warn("honeyDue offline: start failed", error));

    const wentOnline = () => {
      setOnline(true);
      if (who) void flush(who);
    };
    const wentOffline = () => setOnline(false);
    const queueChanged = () => {
      void load(who);
      if (who && navigator.onLine) void flush(who);
    };
    const retry = setInterval(() => {
      if (who && navigator.onLine) void flush(who);
    }, RETRY_MS);
    window.addEventListener("online", wentOnline);
    window.addEventListener("offline", wentOffline);
    window.addEventListener(QUEUE_CHANGED, queueChanged);
    return () => {
      clearInterval(retry);
      window.removeEventListener("online", wentOnline);
      window.removeEventListener("offline", wentOffline);
      window.removeEventListener(QUEUE_CHANGED, queueChanged);
    };
  }, [flush, load, signedIn]);

  const t = strings.offline;
  const locale = typeof navigator === "undefined" ? "en" : navigator.language;
  const day = (iso: string) => formatDay(iso, locale);
  const when = (at: number) =>
    new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(at));
  if (online && waiting.length === 0 && refused.length === 0 && !signInAgain) return null;
  return (
    <section aria-label={t.title} className="offline-panel">
      {online ? null : (
        <p role="status" className="notice warning">
          {t.youAreOffline}
        </p>
      )}
      {waiting.length > 0 ? (
        <div role="status" className="notice">
          <p>{sending ? t.sending : t.waiting(waiting.length)}</p>
          <ul>
            {waiting.map((w) => (
              <li key={w.key}>
                {t.acts[w.act]}: {w.label}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {signInAgain && waiting.length > 0 ? (
        <p className="notice error">
          <Link href="/sign-in">{t.signInAgain}</Link>
        </p>
      ) : null}
      {refused.length > 0 ? (
        <div role="alert">
          <ul className="offline-refused">
            {refused.map((r) => (
              <li key={r.key} className="notice error">
                <p>
                  {t.notApplied(t.acts[r.act], r.label, when(r.at))}{" "}
                  {r.kind === "rejected"
                    ? `${t.refused} ${r.detail ?? strings.errors.generic}`
                    : !r.task
                      ? t.gone
                      : r.task.completedAt
                        ? t.alreadyCompleted(r.task.title)
                        : r.task.archivedAt
                          ? t.archived(r.task.title)
                          : t.movedOn(
                              r.task.title,
                              r.task.dueOn ? day(r.task.dueOn) : null,
                              r.task.lastCompletedOn ? day(r.task.lastCompletedOn) : null,
                            )}
                </p>
                <p className="offline-actions">
                  {r.taskId && r.kind === "conflict" && r.task ? (
                    <Link href={`/tasks/${r.taskId}`}>{t.openTask}</Link>
                  ) : null}
                  <button
                    type="button"
                    onClick={async () => {
                      await dismissRefused(r.key);
                      await load(userId);
                    }}
                  >
                    {t.dismiss}
                  </button>
                </p>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
