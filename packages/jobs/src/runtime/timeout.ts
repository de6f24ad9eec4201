/** Rejects with this when `runWithTimeout`'s time is up. */
export class TimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = "TimeoutError";
  }
}

/**
 * Runs `run` and rejects with a TimeoutError if it has not settled within `timeoutMs`. The timer is
 * cleared as soon as `run` settles, so a finished job does not keep a closure alive for its whole timeout.
 * `run` itself is not cancelled: it is the caller's to make it stop (or to let it finish in the background).
 */
export async function runWithTimeout<T>(timeoutMs: number, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TimeoutError(timeoutMs)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for `promise` at most `timeoutMs`: true if it settled in time (either way), false otherwise. */
export async function settlesWithin(timeoutMs: number, promise: Promise<unknown>): Promise<boolean> {
  return runWithTimeout(timeoutMs, () =>
    promise.then(
      () => true,
      () => true,
    ),
  ).catch((error: unknown) => {
    if (error instanceof TimeoutError) return false;
    throw error;
  });
}
