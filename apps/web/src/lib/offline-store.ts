// What this browser keeps for offline use besides the pages (those are the service worker's, public/sw.js):
// the writes a member made offline, what became of those the server refused, and where the changes feed
// was last read. IndexedDB, in the page only (decision 0019). Browser code: no secrets here, ever.

/** Fired on window when a write was queued. */
export const QUEUE_CHANGED = "honeydue:queue-changed";
/** Meta entry: the signed-in person's id, as last seen online. */
export const USER_META = "user";

export type OfflineAct = "create" | "complete" | "skip" | "snooze";

/** One write made offline, replayed with its own key as Idempotency-Key. */
export interface QueuedWrite {
  key: string;
  userId: string;
  act: OfflineAct;
  /** What the person would call it: the task's title. */
  label: string;
  taskId: string | null;
  residenceId: string | null;
  /** The form's own fields, files (photos) included. */
  fields: [string, FormDataEntryValue][];
  queuedAt: number;
}

/** What the task is now, when a queued write found it moved on. */
export interface CurrentTask {
  id: string;
  title: string;
  dueOn: string | null;
  lastCompletedOn: string | null;
  completedAt: string | null;
  archivedAt: string | null;
}

/** A queued write the server did not apply, kept until the person has read it and dismissed it. */
export interface RefusedWrite {
  key: string;
  userId: string;
  act: OfflineAct;
  label: string;
  taskId: string | null;
  kind: "conflict" | "rejected";
  detail: string | null;
  task: CurrentTask | null;
  at: number;
}

const DB_NAME = "honeydue-offline";
const WRITES = "writes";
const REFUSED = "refused";
const META = "meta";

let opened: Promise<IDBDatabase> | null = null;

function database(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore(WRITES, { keyPath: "key" });
      db.createObjectStore(REFUSED, { keyPath: "key" });
      db.createObjectStore(META);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => {
      opened = null;
      reject(request.error);
    };
  });
  return opened;
}

async function run<T>(
  store: string,
  mode: IDBTransactionMode,
  work: (s: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await database();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const request = work(tx.objectStore(store));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export async function queueWrite(write: QueuedWrite): Promise<void> {
  await run(WRITES, "readwrite", (s) => s.put(write));
}

/** This person's queued writes, oldest first (they are replayed in the order they were made). */
export async function queuedWrites(userId: string): Promise<QueuedWrite[]> {
  const all = await run<QueuedWrite[]>(WRITES, "readonly", (s) => s.getAll());
  return all.filter((w) => w.userId === userId).sort((a, b) => a.queuedAt - b.queuedAt);
}

export async function removeWrite(key: string): Promise<void> {
  await run(WRITES, "readwrite", (s) => s.delete(key));
}

/** Moves a queued write to the refused ones in one transaction: it is never in neither. */
export async function refuseWrite(refused: RefusedWrite): Promise<void> {
  const db = await database();
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction([WRITES, REFUSED], "readwrite");
    tx.objectStore(REFUSED).put(refused);
    tx.objectStore(WRITES).delete(refused.key);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export async function refusedWrites(userId: string): Promise<RefusedWrite[]> {
  const all = await run<RefusedWrite[]>(REFUSED, "readonly", (s) => s.getAll());
  return all.filter((w) => w.userId === userId).sort((a, b) => a.at - b.at);
}

export async function dismissRefused(key: string): Promise<void> {
  await run(REFUSED, "readwrite", (s) => s.delete(key));
}

export async function readMeta(name: string): Promise<string | null> {
  const value = await run<unknown>(META, "readonly", (s) => s.get(name));
  return typeof value === "string" ? value : null;
}

export async function writeMeta(name: string, value: string | null): Promise<void> {
  if (value === null) await run(META, "readwrite", (s) => s.delete(name));
  else await run(META, "readwrite", (s) => s.put(value, name));
}
