import { AsyncLocalStorage } from "node:async_hooks";
import type { Database, Transaction } from "@honeydue/db";
import type { FastifyReply, FastifyRequest } from "fastify";

interface WriteScope {
  tx: Transaction;
  /** A route asked to kick the outbox runner: done once the transaction has committed. */
  notify: boolean;
}

/**
 * The database and outbox kick that route modules are given. Outside a write transaction they are the
 * plain database and kick; inside `run` (an idempotent request) every query of the request joins that one
 * transaction (a route's own `db.transaction` becomes a savepoint in it) and the kick waits for the commit.
 * That is how a stored idempotent response commits together with its effect, without each route knowing.
 */
export interface WriteContext {
  db: Database;
  notifyOutbox: () => void;
  /** Runs `fn` in one transaction that the routes' `db` and `notifyOutbox` join. */
  run<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
}

export function createWriteContext(db: Database, notifyOutbox: () => void): WriteContext {
  const scope = new AsyncLocalStorage<WriteScope>();
  const contextual = new Proxy(db, {
    get(target, property) {
      const current = scope.getStore()?.tx ?? target;
      const value = Reflect.get(current, property);
      return typeof value === "function" ? value.bind(current) : value;
    },
  });
  return {
    db: contextual,
    notifyOutbox() {
      const current = scope.getStore();
      if (current) current.notify = true;
      else notifyOutbox();
    },
    async run(fn) {
      let state: WriteScope | undefined;
      const result = await db.transaction((tx) => {
        state = { tx, notify: false };
        return scope.run(state, () => fn(tx));
      });
      if (state?.notify) notifyOutbox();
      return result;
    },
  };
}

/** A response on its way out, held until its transaction has committed. */
export interface CapturedResponse {
  status: number;
  payload: string;
  contentType: string | undefined;
}

interface Pending {
  resolve(captured: CapturedResponse): void;
  /** Settles when the transaction is over; rejects when a commit failed after the response was ready. */
  done: Promise<void>;
}

const pendingByRequest = new WeakMap<FastifyRequest, Pending>();

class NotCommitted extends Error {}

/**
 * onSend hook of the routes that use `handleInTransaction`: hands the response to the open transaction and
 * lets it out only once that transaction is over (a failed commit becomes an error answer instead).
 */
export async function commitBeforeSending(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  const pending = pendingByRequest.get(request);
  if (!pending) return payload;
  pendingByRequest.delete(request);
  pending.resolve({
    status: reply.statusCode,
    payload: typeof payload === "string" ? payload : "",
    contentType: reply.getHeader("content-type") as string | undefined,
  });
  await pending.done;
  return payload;
}

/**
 * Runs a route handler in one write transaction and commits before its response goes out. `before` runs
 * first in the transaction: a value it returns is answered instead of running the handler (a replay).
 * `after` runs with a 2xx response before the commit; any other status rolls the transaction back.
 * Answers the `before` value, or undefined once the handler's response is on its way.
 */
export async function handleInTransaction<Early>(
  write: WriteContext,
  request: FastifyRequest,
  reply: FastifyReply,
  handle: () => unknown,
  steps: {
    before?: (tx: Transaction) => Promise<Early | undefined>;
    after?: (tx: Transaction, response: CapturedResponse) => Promise<void>;
  },
): Promise<Early | undefined> {
  let captured = false;
  let settle!: () => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  done.catch(() => {});
  try {
    const early = await write.run(async (tx) => {
      const ready = await steps.before?.(tx);
      if (ready !== undefined) return ready;
      let resolveCapture!: (c: CapturedResponse) => void;
      const capture = new Promise<CapturedResponse>((resolve) => {
        resolveCapture = resolve;
      });
      pendingByRequest.set(request, {
        resolve: (c) => {
          captured = true;
          resolveCapture(c);
        },
        done,
      });
      // The handler's promise settles only once the response is written (a returned `reply` waits for
      // it), which is after this commit: so it is raced against the response reaching onSend.
      const handled = Promise.resolve(handle());
      handled.catch(() => {});
      const first = await Promise.race([handled.then((value) => ({ value })), capture]);
      if ("value" in first && !captured) {
        if (first.value !== undefined && first.value !== reply) reply.send(first.value);
        else if (!reply.sent) reply.send();
      }
      const response = await capture;
      if (response.status < 200 || response.status >= 300) throw new NotCommitted();
      await steps.after?.(tx, response);
      return undefined;
    });
    settle();
    return early;
  } catch (error) {
    pendingByRequest.delete(request);
    if (error instanceof NotCommitted) {
      settle();
      return undefined;
    }
    if (captured) {
      request.log.error(
        { err: error },
        "a request's transaction failed to commit after its response was ready",
      );
      fail(error);
      return undefined;
    }
    settle();
    throw error;
  }
}
