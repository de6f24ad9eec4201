/**
 * The loop the outbox runner and the relay share: one pass every `pollIntervalMs`, and one at once on
 * `kick()`. Passes never overlap; a kick during a pass makes another pass right after it, so a row
 * committed mid-pass is not left waiting for the next interval. `stop()` waits for the pass in hand.
 */
export interface PollLoop {
  kick(): void;
  isStopped(): boolean;
  stop(): Promise<void>;
}

export function startPollLoop(options: {
  pollIntervalMs: number;
  /** One pass; it should return early once `isStopped()` is true. */
  pass: (isStopped: () => boolean) => Promise<void>;
  onError: (error: unknown) => void;
  /** Runs each drain inside a context, e.g. outside any request's trace. */
  wrap?: (drain: () => Promise<void>) => Promise<void>;
}): PollLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  const isStopped = () => stopped;

  async function drain() {
    do {
      again = false;
      await options.pass(isStopped);
    } while (again && !stopped);
  }

  function tick() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (options.wrap ? options.wrap(drain) : drain()).catch(options.onError).finally(() => {
      running = undefined;
      schedule();
    });
  }

  function schedule() {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, options.pollIntervalMs);
    timer.unref();
  }

  schedule();
  return {
    kick: () => setImmediate(tick),
    isStopped,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
